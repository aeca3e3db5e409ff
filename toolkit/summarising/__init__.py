"""Summarising: IDF-weighted sentence ranking into an extractive summary (idf, summariser)."""

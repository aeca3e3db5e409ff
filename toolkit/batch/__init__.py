"""Batch: many files through the theme model in parallel (tagging) and their output (output)."""

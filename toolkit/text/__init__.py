"""Text: bytes to a cleaned, split, segmented Document (reading, cleaning, splitting, words, document)."""

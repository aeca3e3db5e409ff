"""Themes: the paragraph theme model, tagging with it (model) and training it (training)."""

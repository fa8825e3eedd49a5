"""Narrative: headline figures stated in sentences and in performance forms."""

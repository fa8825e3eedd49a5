"""Prefect flows: `ingest` (the main job) and `serve` (the schedule)."""

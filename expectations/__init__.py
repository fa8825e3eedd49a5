"""Great Expectations checks over the budgetwh DuckDB warehouse.

Kept import-light on purpose: ``great_expectations`` itself is only imported
inside :func:`expectations.checkpoint.run_checkpoint` (it takes ~6-7 s).
"""

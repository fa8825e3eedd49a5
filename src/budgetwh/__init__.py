"""budgetwh: a warehouse for Chinese public departmental budget disclosures."""

__version__ = "0.1.0"

# Bumped whenever parsing output changes, so re-ingesting the same bytes with a
# new parser replaces the earlier load instead of being skipped as a no-op.
PARSER_VERSION = "2"

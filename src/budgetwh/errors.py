"""Errors raised by readers and recognisers; each names the file and where."""

from __future__ import annotations

from pathlib import Path


class ParseError(Exception):
    """A document could not be parsed; the message names the file, line and reason."""

    def __init__(self, path: Path | str, reason: str, line: int | None = None) -> None:
        self.path = str(path)
        self.reason = reason
        self.line = line
        where = f"{Path(self.path).name}:{line}" if line is not None else Path(self.path).name
        super().__init__(f"{where}: {reason}")

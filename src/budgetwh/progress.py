"""Progress of the long stages (parse and load, dbt build) for the person watching.

On a terminal a rich progress bar; in logs (scheduled runs, CI) a line at every
tenth of the way, so a long run shows it is moving without flooding the log.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType


class Progress:
    """Count work done out of a total (None when the total is not known in advance)."""

    def __init__(self, label: str, total: int | None, log: logging.Logger | logging.LoggerAdapter) -> None:
        self.label, self.total, self.log = label, total, log
        self.done = 0
        self._next_log = self._step()
        self._bar = None
        if sys.stderr.isatty():
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(transient=True)
            self._task = self._bar.add_task(label, total=total)

    def _step(self) -> int:
        return max(1, (self.total or 250) // 10)

    def __enter__(self) -> Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.stop()

    def advance(self, n: int = 1) -> None:
        """Record `n` more units done."""
        self.done += n
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
        elif self.done >= self._next_log or self.done == self.total:
            of = f" of {self.total}" if self.total is not None else ""
            self.log.info("%s: %d%s", self.label, self.done, of)
            self._next_log = self.done + self._step()

"""Import the heavy libraries a build will need while the run does something else.

dbt takes ~2.7 s to import and Great Expectations ~4 s on this machine (issue 10: a rerun with
ten changed documents spends ~45 s, and these are fixed costs in it). A run that builds imports
them in a background thread as soon as it knows it will build: dbt while the warehouse is
copied and the changed documents parsed (I/O and worker processes), GX while dbt builds (most
of its time inside DuckDB, which releases the GIL). A run that finds nothing changed never
starts it, so it still imports neither.

The caller waits (`Prewarm.wait`) before its own first use of them: two threads importing the
same package at once can hand one of them a half-initialised module.
"""

from __future__ import annotations

import importlib
import threading
import time

# dbt's runner and the adapter its profile loads; GX and the expectation classes the suite builds.
DBT_MODULES = ("dbt.cli.main", "dbt.adapters.duckdb")
GX_MODULES = ("great_expectations", "great_expectations.expectations")
BUILD_MODULES = DBT_MODULES + GX_MODULES


class Prewarm:
    """Imports `modules` in order in a daemon thread; `wait()` before using any of them."""

    def __init__(self, modules: tuple[str, ...] = BUILD_MODULES) -> None:
        self.modules = modules
        self.seconds: dict[str, float] = {}
        self.errors: dict[str, BaseException] = {}
        self._done = {name: threading.Event() for name in modules}
        self._thread = threading.Thread(target=self._run, name="budgetwh-prewarm", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        for name in self.modules:
            started = time.perf_counter()
            try:
                importlib.import_module(name)
            except Exception as error:  # the caller's own import raises it where it is used
                self.errors[name] = error
            finally:
                # set whatever happened: a waiter must never hang on a failed import
                self.seconds[name] = round(time.perf_counter() - started, 3)
                self._done[name].set()

    def wait(self, *names: str) -> None:
        """Block until `names` (all modules when none are named) have been imported or failed.

        A failure is not raised here: the caller's own import then raises it where it is used.
        """
        for name in names or self.modules:
            self._done[name].wait()

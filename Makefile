# Every target installs what it needs: a fresh machine needs only python3.11 and make.
PYTHON ?= python3.11
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install run docs test lint bench bench-100k clean bi-clients

$(BIN)/python:
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)

# uv installs the locked set in seconds; pip would take minutes. uv writes no bytecode unless
# asked, and where PYTHONDONTWRITEBYTECODE is set (this project's machines) Python never writes
# it either: every run then compiled every module it imported (GX's import: 8.1 → 3.5 CPU-s).
$(STAMP): requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==0.13.9
	$(BIN)/uv pip install --python $(BIN)/python --quiet --compile-bytecode -r requirements.lock
	$(BIN)/uv pip install --python $(BIN)/python --quiet --no-deps -e .
	touch $(STAMP)

install: $(STAMP)

# Evidence's DuckDB client (@duckdb/node-api, pinned), for the test that opens the published
# file with it. Without npm, or without its registry, that test is skipped and says why.
NODE_STAMP := tools/bi-node/node_modules/.installed
$(NODE_STAMP): tools/bi-node/package-lock.json
	@if command -v npm >/dev/null; then \
		npm ci --prefix tools/bi-node --silent --no-audit --no-fund && touch $@ \
		|| echo "make: npm ci failed; the Evidence driver test will be skipped"; \
	else echo "make: no npm; the Evidence driver test will be skipped"; fi

bi-clients: $(NODE_STAMP)

run: install
	$(BIN)/budgetwh run
	$(BIN)/budgetwh docs

# dbt's documentation of the published marts, one HTML file that opens offline.
docs: install
	$(BIN)/budgetwh docs

lint: install
	$(BIN)/ruff check src flows expectations tests bench tools
	$(BIN)/ruff format --check src flows expectations tests bench tools

# pytest covers parsers, loader, the flow end to end, dbt tests (dbt build) and
# the GX checkpoint, on the sample documents and fixtures derived from them; two
# workers, a test file each at a time (files share their flow runs).
test: install lint bi-clients
	$(BIN)/python -m pytest -n 2 --dist loadfile --no-loadscope-reorder

bench: install
	$(BIN)/python bench/run.py

# 100,000 documents: a fresh run and an unchanged rerun only (about 5 GB of corpus under bench/out).
# Under the default 4 GB pool its dbt build ran out of memory (20 slices of 5,000); in 10 slices of
# 10,000 under 8 GB it built (docs/decisions.md, "100,000 documents with slices"): about an hour.
bench-100k: install
	BUDGETWH_MEMORY_LIMIT=8GB $(BIN)/python bench/run.py --sizes '' --fresh-only 100000

clean:
	rm -rf build target logs warehouse .pytest_cache

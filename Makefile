# mailscope — the two commands a new user needs: `make demo` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo

.PHONY: install demo campaign-demo test lint test-slow test-faults test-campaign test-browser browser-deps spark-deps test-spark bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,pst]'
	touch $(STAMP)

install: $(STAMP)

## Simulate a Storm-0558-style tenant, investigate it, print the report path.
demo: $(STAMP)
	rm -rf $(DEMO_DIR)
	$(BIN)/mailscope simulate --out $(DEMO_DIR)/sim --seed 7 --users 120 --days 21 --scenario storm-0558
	$(BIN)/mailscope investigate $(DEMO_DIR)/sim/ual $(DEMO_DIR)/sim/entra $(DEMO_DIR)/sim/users.csv \
		$(DEMO_DIR)/sim/mailboxes --case $(DEMO_DIR)/case
	@echo "ground truth to compare with: $(DEMO_DIR)/sim/truth.json"

## 25 simulated organisations of 200 people, one actor: simulate, investigate each (two at
## a time), link them; prints timings and the differences from the truth (none expected).
campaign-demo: $(STAMP)
	rm -rf $(DEMO_DIR)/campaign
	$(BIN)/python bench/campaign.py --orgs 25 --seeds 7 --users 200 --out $(DEMO_DIR)/campaign

## Quality gates and the default test suite (what CI runs).
test: $(STAMP) lint
	$(BIN)/pytest -q

## kill -9 fault injection across ingest, detect, scope and report (about 4 min; CI runs it).
test-faults: $(STAMP)
	$(BIN)/pytest -q -m slow tests/store

## Simulated campaigns of 6 and 25 organisations on several seeds (about 6 min; CI runs it).
test-campaign: $(STAMP)
	$(BIN)/pytest -q -m slow tests/campaign

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict src
	$(BIN)/lint-imports --no-cache --no-logo

test-slow: $(STAMP)
	$(BIN)/pytest -q -m slow

browser-deps: $(STAMP)
	$(BIN)/pip install --quiet -e '.[browser]'
	command -v chromium >/dev/null || (apt-get update -qq && apt-get install -y -qq chromium)

spark-deps: $(STAMP)
	$(BIN)/pip install --quiet -e '.[spark]'
	command -v java >/dev/null || (echo "the Spark engine needs Java 17+ on PATH" >&2; exit 1)

## The Spark engine (local mode): every rule's cases, the samples and a simulated tenant
## give the same findings and scope.json as DuckDB (installs PySpark; needs Java 17).
test-spark: spark-deps
	$(BIN)/pytest -q -m spark

## Headless Chromium opens report.html from disk (Playwright + Debian's chromium).
test-browser: browser-deps
	$(BIN)/pytest -q -m browser

bench: $(STAMP)
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) $(DEMO_DIR) .mypy_cache .ruff_cache .pytest_cache

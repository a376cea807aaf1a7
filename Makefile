# The two commands of the README: `make demo` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
INDEX  ?= var/index

.PHONY: demo test install install-test browser lint audit index serve bench-extraction clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e ".[test]"

## Build the index of corpus/ and serve the site on http://$(HOST):$(PORT)
demo: install
	$(BIN)/archive index corpus --index $(INDEX)
	$(BIN)/archive serve --host $(HOST) --port $(PORT) --index $(INDEX)

## Install what the tests need (Python packages, Debian's Chromium, axe-core from npm) and run the whole suite
## (the dependency audit runs first: it fails only on a known vulnerability, never because it could not look)
test: install-test browser
	$(BIN)/ruff check .
	$(BIN)/python .ci/audit.py
	$(BIN)/python -m pytest

## Dependency audit: pip-audit over what is installed; says loudly what it could not audit (docs/SECURITY.md)
audit: install-test
	$(BIN)/python .ci/audit.py

# Browser tests drive Debian's chromium with Playwright; nothing is downloaded by Playwright itself.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: could not install chromium; browser tests will be skipped"; \
	  else echo "note: chromium not installed; browser tests will be skipped"; fi; }
	@# axe-core (accessibility checks injected into each page) from npm, into the git-ignored .venv/node
	@test -f $(VENV)/node/node_modules/axe-core/axe.min.js || { \
	  command -v npm >/dev/null 2>&1 \
	    && npm install --no-save --no-audit --no-fund --silent --prefix $(VENV)/node axe-core@4 >/dev/null 2>&1 \
	    || echo "note: could not install axe-core with npm; the accessibility checks will be skipped"; }

lint: install-test
	$(BIN)/ruff check .

index: install
	$(BIN)/archive index corpus --index $(INDEX)

serve: install
	$(BIN)/archive serve --host $(HOST) --port $(PORT) --index $(INDEX)

bench-extraction: install
	$(BIN)/python benchmarks/extraction.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache test-artifacts *.egg-info

# Quick start: `make run` (set up .venv, run geomap on seeds/ into outputs/), then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test browser bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: setup
	$(BIN)/geomap run seeds/ --out outputs/

# The browser test drives Debian's Chromium; install it (as CI does) when it is missing.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 \
		&& apt-get update -qq && apt-get install -y -qq --no-install-recommends $$(grep -v '^#' .ci/apt-packages.txt) >/dev/null; } \
		|| echo "make: Chromium is missing (apt-get install chromium); the browser test will fail"

test: setup browser
	$(BIN)/python -m pytest -q
	$(BIN)/lint-imports
	$(BIN)/ruff check geomap tests bench scripts

bench: setup
	$(BIN)/python bench/throughput.py
	$(BIN)/python bench/map_load.py

clean:
	rm -rf $(VENV) outputs/*.geojson outputs/*.html outputs/*.png outputs/*.svg outputs/*.gpkg outputs/*.csv

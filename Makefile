# Quick start: `make run` (set up .venv, run geomap on seeds/ into outputs/), then `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup run test lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: setup
	$(BIN)/geomap run seeds/ --out outputs/

test: setup
	$(BIN)/python -m pytest -q
	$(BIN)/lint-imports
	$(BIN)/ruff check geomap tests bench scripts

bench: setup
	$(BIN)/python bench/throughput.py

clean:
	rm -rf $(VENV) outputs/*.geojson outputs/*.html outputs/*.png outputs/*.svg outputs/*.gpkg outputs/*.csv

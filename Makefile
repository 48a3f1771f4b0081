# Tiaki: `make demo` runs it on this machine; `make test` runs lint, types and every test.
SHELL := /bin/bash
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# CI adds the benchmark peers (EXTRAS=dev,bench) so the FEBRL accuracy test runs there too.
EXTRAS ?= dev
# `make demo PORT=8080` serves the demo on another port (and HOST=0.0.0.0 on every interface).
PORT ?= 8000
HOST ?= 127.0.0.1

# The staff interface's compiled gettext catalogues (GNU gettext's msgfmt; .mo files are
# build output, not kept in git).
MO_FILES := $(patsubst %.po,%.mo,$(wildcard tiaki/locale/*/LC_MESSAGES/django.po))

.PHONY: install messages demo serve test lint typecheck pytest bench clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $$(scripts/find-python) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $(STAMP)

install: $(STAMP) messages

messages: $(MO_FILES)

%.mo: %.po
	msgfmt --check -o $@ $<

demo: install
	$(BIN)/tiaki migrate --noinput
	$(BIN)/tiaki demo
	@echo "Serving on http://$(HOST):$(PORT) (task worker and audit sealer alongside; Ctrl-C stops all)"
	@trap 'kill 0' EXIT INT TERM; $(BIN)/tiaki worker --interval 2 & $(BIN)/tiaki audit seal --follow & $(BIN)/tiaki runserver $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check .

typecheck: install
	$(BIN)/mypy tiaki

pytest: install
	TIAKI_ENV=test $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck pytest

bench: install
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python -m bench $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache

# AnimaGenius — `make run` starts the app, `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat pyproject.toml | md5sum | cut -c1-12)
ifneq (,$(wildcard .env))
include .env
export
endif
export DJANGO_SETTINGS_MODULE ?= animagenius.config.settings.local

.PHONY: run test lint typecheck check-migrations pytest runtime-deps system-deps clean

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is required ($(PYTHON) not found)"; exit 2; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@rm -f $(VENV)/.installed-* && touch $@

run: $(STAMP) runtime-deps
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput -v0
	@$(BIN)/python manage.py ensure_demo_user || echo "Starting without the demo account (see above why)."
	@$(BIN)/python -m animagenius.config.localrun

APT_INSTALL = SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq

# Debian packages the app uses: espeak-ng (the last-resort voice) and the Noto fonts captions fall back to for
# scripts Inter lacks (Arabic, Hebrew, Indic, Thai, CJK…).
runtime-deps:
	@if ! command -v espeak-ng >/dev/null || ! fc-list -q 'Noto Sans Arabic' 2>/dev/null \
	  || ! fc-list -q 'Noto Sans CJK SC' 2>/dev/null; then \
	  $(APT_INSTALL) espeak-ng fontconfig fonts-noto-core fonts-noto-cjk >/dev/null; \
	fi

# ... and those the tests drive: Chromium (browser tests) and ffprobe (to inspect rendered files).
system-deps: runtime-deps
	@if ! command -v chromium >/dev/null || ! command -v ffprobe >/dev/null; then \
	  $(APT_INSTALL) chromium ffmpeg >/dev/null; \
	fi

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: $(STAMP)
	DJANGO_SETTINGS_MODULE=animagenius.config.settings.test $(BIN)/mypy

check-migrations: $(STAMP)
	DJANGO_SETTINGS_MODULE=animagenius.config.settings.test $(BIN)/python manage.py makemigrations --check --dry-run

pytest: $(STAMP) system-deps
	DJANGO_SETTINGS_MODULE=animagenius.config.settings.test $(BIN)/python -m pytest $(PYTEST_ARGS)

test: lint typecheck check-migrations pytest

clean:
	rm -rf var/test .pytest_cache .mypy_cache .ruff_cache

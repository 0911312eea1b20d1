# Two commands: `make run` and `make test`. Each sets itself up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501
STREAMLIT_FLAGS := --server.headless true --browser.serverAddress localhost \
	--browser.gatherUsageStats false --server.port $(PORT)

.PHONY: run test check lint bench load clean i18n-extract i18n-update i18n-compile

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamp files: reinstall only when a requirements file changed.
$(VENV)/.req-stamp: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev-stamp: requirements-dev.txt $(VENV)/.req-stamp
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.req-stamp
	$(BIN)/streamlit run app.py $(STREAMLIT_FLAGS)

lint: $(VENV)/.dev-stamp
	$(BIN)/ruff check .

test: lint
	$(BIN)/python -m pytest

# The inner loop while editing: ruff plus every test not marked e2e (browser) or slow, on
# both cores (pytest-xdist; an idle worker takes tests queued for the other).
check: lint
	$(BIN)/python -m pytest -m "not e2e and not slow" -q -n 2 --dist worksteal

bench: $(VENV)/.dev-stamp
	$(BIN)/python -m bench

load: $(VENV)/.dev-stamp
	$(BIN)/python -m bench.load

# -- translations (README "Translations") -------------------------------------------------
# Message ids are the English text in the code; i18n/locale/zh/LC_MESSAGES/convscope.po holds the
# Chinese. Extract → update → translate the .po → compile; commit the .pot, .po and .mo
# (Community Cloud runs no make; tests/i18n checks that the .mo is the compile of the .po).
I18N_POT := i18n/convscope.pot
I18N_DIR := i18n/locale

i18n-extract: $(VENV)/.dev-stamp
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --project=ConvScope \
		--copyright-holder=ConvScope -o $(I18N_POT) .

i18n-update: $(VENV)/.dev-stamp
	$(BIN)/pybabel update -D convscope -i $(I18N_POT) -d $(I18N_DIR) --ignore-obsolete

i18n-compile: $(VENV)/.dev-stamp
	$(BIN)/pybabel compile -D convscope -d $(I18N_DIR) --statistics

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis

# -- hosting a class (README "Hosting a class") -----------------------------------------
# `make serve-class N=2 PORT=8501`: N Streamlit processes behind nginx on 127.0.0.1:PORT;
# Ctrl-C (or `python -m deploy.serve stop --port PORT`) ends them all.
N ?= 2
.PHONY: serve-class load-class load-compare

serve-class: $(VENV)/.req-stamp
	$(BIN)/python -m deploy.serve --processes $(N) --port $(PORT)

# 60 sessions × 120 s, a change every ≈ 3 s each, every page: prints issue 14's targets.
load-class: $(VENV)/.dev-stamp
	$(BIN)/python -m bench.load --class

# Runs per second and p95 on 1 and on 2 processes behind nginx (twice the sessions on two).
load-compare: $(VENV)/.dev-stamp
	$(BIN)/python -m bench.load --compare 1,2

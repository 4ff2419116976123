# The two commands of the README. Both create the environment they need.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
AS_OF ?= 2003-02-05

.PHONY: demo test bench compile clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "debtreg needs Python 3.11 or newer: run make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	$(MAKE) --no-print-directory compile
	@touch $(STAMP)

## compile: byte-compile debtreg's own modules (pip compiles the libraries it installs, not an editable project's
## sources; where PYTHONDONTWRITEBYTECODE is set, as on these machines, every command would compile them again)
compile:
	$(BIN)/python -m compileall -q adapters domain projections

## demo: load the fixtures into debtreg.sqlite (as its first administrator, key in .debtreg/) and print the three Annex 1 registers as of 2003-02-05
demo: $(STAMP) compile
	$(BIN)/debtreg identity init "Demo Administrator"
	$(BIN)/debtreg load fixtures/
	@for agreement in barnes-1995 novascotia-1999 barnes-2000; do \
		echo; $(BIN)/debtreg annex1 $$agreement --as-of $(AS_OF) || exit 1; \
	done
	@echo; echo "debtreg is $(BIN)/debtreg: run 'source $(BIN)/activate' to type debtreg (the README's tour starts there)"

## test: the whole suite (PostgreSQL tests need DEBTREG_TEST_POSTGRES_URL; see README)
test: $(STAMP)
	$(BIN)/pytest

## bench: what a history's length and a registry's size cost (load, views, one command, verify) and how fast the command line starts, each beside its reference
bench: $(STAMP) compile
	$(BIN)/python bench/bench.py
	$(BIN)/python bench/registry.py
	$(BIN)/python bench/startup.py

clean:
	rm -rf $(VENV) debtreg.sqlite debtreg.sqlite-wal debtreg.sqlite-shm .debtreg .pytest_cache .hypothesis

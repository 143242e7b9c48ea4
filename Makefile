# Every target sets itself up: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:8])")

.PHONY: run test lab validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)          ## validate the data and execute every notebook into build/notebooks/
	$(VENV)/bin/rbclab run --out build/notebooks

test: $(STAMP)         ## unit tests and every notebook under nbval
	$(PY) -m pytest

lab: $(STAMP)          ## open JupyterLab on the collection
	$(VENV)/bin/jupyter lab notebooks/

validate: $(STAMP)
	$(VENV)/bin/rbclab validate data

bench: $(STAMP)
	$(PY) -m rbclab.bench

clean:
	rm -rf build $(VENV)

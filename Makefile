# Every target sets itself up: a fresh machine needs only Python 3.11+ and make.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(open('pyproject.toml','rb').read()).hexdigest()[:8])")

PORT   ?= 8866

.PHONY: run test lab dashboard validate bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[test]"
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)          ## validate the data, execute every notebook, write the offline report to build/report/
	$(VENV)/bin/rbclab report --out build/report

test: $(STAMP)         ## unit tests, every notebook under nbval, browser tests (report, JupyterLab, dashboard)
	$(PY) -m pytest

lab: $(STAMP)          ## open JupyterLab on the collection
	$(VENV)/bin/jupyter lab notebooks/

dashboard: $(STAMP)    ## serve the notebooks as a Voila dashboard on http://127.0.0.1:$(PORT)/
	$(VENV)/bin/rbclab dashboard --port $(PORT)

validate: $(STAMP)
	$(VENV)/bin/rbclab validate data

bench: $(STAMP)
	$(PY) -m rbclab.bench

clean:
	rm -rf build $(VENV)

# Every target sets itself up: a fresh machine needs only Python 3.11+ and make.
# The virtualenv is installed from requirements.lock (exact versions, with hashes).
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml requirements.lock | $(PYTHON) -c "import hashlib,sys;print(hashlib.sha1(sys.stdin.buffer.read()).hexdigest()[:8])")
CHROMIUM := /usr/bin/chromium
PORT   ?= 8866
# JupyterLab refuses to start as root unless told; containers and CI run as root
ALLOW_ROOT := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: run test test-fast check lint format typecheck test-oldest lab dashboard validate bench lock chromium pending clean

$(STAMP): pyproject.toml requirements.lock
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(PY) -m pip install --quiet --no-deps --no-build-isolation -e .
	rm -f $(VENV)/.installed-* && touch $(STAMP)

run: $(STAMP)          ## validate the data, execute every notebook, write the offline report to build/report/
	$(VENV)/bin/rbclab report --out build/report

test: check test-oldest chromium $(STAMP)  ## everything: lint, types, unit, data, notebooks (nbval), browser tests
	$(PY) -m pytest

test-fast: $(STAMP)    ## the unit and data tests only (no notebooks, no browser, no wheel build): the inner loop
	$(PY) -m pytest tests lib/rbclab -m "not browser and not slow" --ignore=tests/browser --ignore=tests/fixtures -q

check: lint typecheck $(STAMP)  ## ruff, ruff format --check, mypy, and tidy committed notebooks
	$(PY) -m rbclab.nbtools --check notebooks/*.ipynb

lint: $(STAMP)
	$(VENV)/bin/ruff check lib tests tools conftest.py setup.py
	$(VENV)/bin/ruff format --check lib tests tools conftest.py setup.py

format: $(STAMP)
	$(VENV)/bin/ruff format lib tests tools conftest.py setup.py
	$(VENV)/bin/ruff check --fix lib tests tools conftest.py setup.py

typecheck: $(STAMP)
	$(VENV)/bin/mypy lib/rbclab

# the core library (read, validate, load, analyse) against the oldest pandas and numpy that
# pyproject.toml allows, in a second virtualenv
OLDEST := $(VENV)-oldest
test-oldest: $(STAMP)
	[ -x $(OLDEST)/bin/python ] || $(PYTHON) -m venv $(OLDEST)
	$(VENV)/bin/uv pip install --quiet --python $(OLDEST)/bin/python --resolution lowest-direct \
	  -e . "pytest>=8.0" "hypothesis>=6.100"
	$(OLDEST)/bin/python -c "import pandas, numpy; print('oldest allowed: pandas', pandas.__version__, 'numpy', numpy.__version__)"
	$(OLDEST)/bin/python -m pytest -q -o addopts="-p no:cacheprovider" -m "not slow" \
	  tests/test_values.py tests/test_read.py tests/test_validate.py tests/test_load.py tests/test_taxonomy.py

chromium:              ## Debian's Chromium for the browser tests (installed once, as root)
	@[ -x $(CHROMIUM) ] || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -q chromium >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null; }; }
	@[ -x $(CHROMIUM) ] || { echo "error: $(CHROMIUM) is missing; install Debian's chromium package" >&2; exit 1; }

lab: $(STAMP)          ## open JupyterLab on the collection (settings in .jupyter/: no news, no extension manager)
	JUPYTER_CONFIG_DIR=$(CURDIR)/.jupyter JUPYTERLAB_SETTINGS_DIR=$(CURDIR)/.jupyter/lab/user-settings \
	  $(VENV)/bin/jupyter lab $(ALLOW_ROOT) notebooks/

dashboard: $(STAMP)    ## serve the notebooks as a Voila dashboard on http://127.0.0.1:$(PORT)/
	$(VENV)/bin/rbclab dashboard --port $(PORT)

validate: $(STAMP)
	$(VENV)/bin/rbclab validate data

pending: $(STAMP)      ## what research/ holds that is not yet reviewed into data/
	$(VENV)/bin/rbclab data pending

bench: $(STAMP)
	$(PY) -m rbclab.bench

lock: $(STAMP)         ## re-resolve requirements.lock from pyproject.toml (needs the package index)
	$(PY) -m pip install --quiet uv
	$(VENV)/bin/uv pip compile pyproject.toml requirements-build.in --extra all --extra test \
	  --generate-hashes --universal --python-version 3.11 -o requirements.lock
	$(PY) tools/environment_from_lock.py

clean:
	rm -rf build $(VENV) $(VENV)-oldest

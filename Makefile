# Two commands: `make lab` (set up and open the course) and `make test` (set up and test).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ROOT_FLAG := $(shell [ "$$(id -u)" = 0 ] && echo --allow-root)

.PHONY: lab test lint format clean

# The pinned packages, installed by uv (20 s, bytecode compiled: the sandbox's read-only venv
# cannot cache it; pip takes 50 s on a 2-core machine), with a current pip (postBuild's isolated
# build needs one). Where uv cannot be had (no PyPI, only the mirror pip is configured for),
# pip installs the same pins.
UV := uv==0.13.9
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	( $(BIN)/python -m pip install --quiet $(UV) && $(BIN)/python -m uv pip install --quiet \
	    --compile-bytecode --upgrade-package pip --python $(BIN)/python pip -e ".[test]" ) \
	|| ( $(BIN)/python -m pip install --quiet --upgrade pip && $(BIN)/python -m pip install --quiet -e ".[test]" )
	touch $(STAMP)

# `jupyter lab`, started quicker (src/mvs_course/lab.py says how)
lab: $(STAMP)
	$(BIN)/python -m mvs_course.lab $(ROOT_FLAG) course/00_start_here.ipynb

# The fast tier, under a minute: lint, format check and the tests that start no kernel,
# browser or grading run (new fast tests go in tests/unit/). `make test` runs everything.
.PHONY: check
check: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -m "not slow and not browser and not kernel" \
		tests/unit tests/test_notebooks.py tests/test_startup.py

# Every test, in JOBS worker processes: tests/conftest.py keeps in one process each group of
# tests that shares a graded class or a Jupyter server, and starts the longest groups first.
JOBS ?= 2
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -n $(JOBS) --dist loadgroup

format: $(STAMP)
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Grading data never lives here (see `mvs-course init`), and `clean` never deletes any.
clean:
	rm -rf $(VENV) build src/*.egg-info .pytest_cache .ruff_cache

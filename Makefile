PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Type-checked packages (tests are checked by running them).
TYPED := bot handlers storage i18n

.PHONY: run test lint typecheck lock i18n bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Every install takes exactly the versions (and hashes) in requirements.txt, pip and
# setuptools included; the project itself is installed without touching the network again.
$(VENV)/.installed: requirements.txt pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

run: $(VENV)/.installed
	$(BIN)/python -m bot

test: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy $(TYPED)
	$(BIN)/python -m pytest -q

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy $(TYPED)

# Refresh the lock on purpose (needs network): newest versions that pyproject.toml allows.
# Upgrade one package only: make lock UPGRADE='--upgrade-package babel'
lock: | $(BIN)/python
	$(BIN)/python -m pip install --quiet 'uv==0.13.9'
	$(BIN)/uv pip compile pyproject.toml build-requirements.in --extra test \
		--generate-hashes --universal --python-version 3.11 $(UPGRADE) -o requirements.txt

# Translators: refresh the template and merge new messages into every catalog.
i18n: $(VENV)/.installed
	$(BIN)/python -m i18n.tools sync

bench: $(VENV)/.installed
	for f in bench/*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

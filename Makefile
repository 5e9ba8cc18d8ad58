PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Type-checked packages (tests are checked by running them).
TYPED := bot handlers storage i18n

.PHONY: run test lint typecheck lock i18n bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

LOCK := pylock.toml

# Every install takes exactly the versions and hashes in the lock file (PEP 751 pylock.toml),
# pip and setuptools included. pip reads pylock.toml from version 26 on, so pip itself comes
# first, at the version and hashes the lock gives it; pip checks every hash in the lock, and
# the project is installed without touching the network again.
define LOCKED_PIP
import tomllib
lock = tomllib.load(open("$(LOCK)", "rb"))
pip = next(p for p in lock["packages"] if p["name"] == "pip")
files = [*pip.get("wheels", []), *([pip["sdist"]] if "sdist" in pip else [])]
print("pip==" + pip["version"], *("--hash=sha256:" + f["hashes"]["sha256"] for f in files))
endef
export LOCKED_PIP

$(VENV)/.installed: $(LOCK) pyproject.toml | $(BIN)/python
	$(BIN)/python -c "$$LOCKED_PIP" > $(VENV)/pip-from-lock.txt
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(VENV)/pip-from-lock.txt
	$(BIN)/python -m pip install --quiet --no-deps -r $(LOCK)
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
		--generate-hashes --universal --python-version 3.11 --format pylock.toml $(UPGRADE) \
		-o $(LOCK)

# Translators: refresh the template and merge new messages into every catalog.
i18n: $(VENV)/.installed
	$(BIN)/python -m i18n.tools sync

bench: $(VENV)/.installed
	for f in bench/*.py; do $(BIN)/python $$f; done

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache

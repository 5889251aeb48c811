# 代表工作平台: `make run` to try it, `make test` to check it. See README.md.
PYTHON ?= python3.11
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)

.PHONY: run test venv system-packages migrate seed lint check bench clean

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

venv: $(STAMP)

system-packages:
	@sh bin/system-packages

migrate: venv
	@mkdir -p var
	DEBUG=1 $(PY) manage.py migrate --no-input

seed: migrate
	DEBUG=1 $(PY) manage.py seed_demo

run: venv system-packages seed
	DEBUG=1 $(PY) manage.py runserver 127.0.0.1:8000

# axe-core for the accessibility scan of the browser tests, from the npm registry.
node_modules/axe-core/axe.min.js: package.json
	@if command -v npm >/dev/null 2>&1; then npm install --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility scan will be skipped"; fi

# SQLite unless DATABASE_URL names another database (PostgreSQL in CI).
# Browser tests run when Debian's chromium is installed, and are skipped otherwise.
test: venv node_modules/axe-core/axe.min.js
	@sh bin/system-packages --browser
	SECRET_KEY=test-only-secret STATIC_MANIFEST=0 SECURE_SSL_REDIRECT=0 $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .

check: venv
	@mkdir -p var
	SECRET_KEY=check-only DEBUG=0 $(PY) manage.py makemigrations --check --dry-run

bench: venv
	@for b in bench/bench_*.py; do echo "== $$b"; DEBUG=0 SECRET_KEY=bench STATIC_MANIFEST=0 $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

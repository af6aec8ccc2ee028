# The two commands: `make run` serves the workbench, `make test` runs every test.
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= data

.PHONY: run test lint install install-test

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

# The FEVER scorer (test extra) ships only a setup.py that today's setuptools refuses:
# its wheel is built in a throwaway environment with the setuptools it was written for.
FEVER_SCORER := fever-scorer==2.0.39
WHEELS := $(VENV)/wheels

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	rm -rf $(VENV)/build-fever
	$(PYTHON) -m venv $(VENV)/build-fever
	$(VENV)/build-fever/bin/pip install --quiet setuptools==50.3.2 wheel==0.45.1
	$(VENV)/build-fever/bin/pip wheel --quiet --no-deps --no-build-isolation -w $(WHEELS) "$(FEVER_SCORER)"
	rm -rf $(VENV)/build-fever
	$(BIN)/pip install --quiet --find-links $(WHEELS) -e ".[test]"
	touch $@

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

# Serve on http://127.0.0.1:8000 with a demo project and demo logins, with the
# background workers beside the web server: embedded by default (SQLite in ./data, the
# job-table worker `manage.py jobs work`); with REDIS_URL set, a Celery worker with
# Celery beat (the sweeper) inside it instead: one node, so one beat, and its process is
# forked from the worker's rather than a second interpreter (about 50 MiB less). They
# stop with the server.
run: install
	@mkdir -p $(DATA_DIR)
	@test -s $(DATA_DIR)/secret_key || $(BIN)/python -c "import secrets; print(secrets.token_urlsafe(50))" > $(DATA_DIR)/secret_key
	@export SECRET_KEY="$$(cat $(DATA_DIR)/secret_key)"; \
	$(BIN)/python manage.py migrate --noinput -v0 && \
	$(BIN)/python manage.py collectstatic --noinput -v0 && \
	$(BIN)/python manage.py seed_demo && \
	if [ -n "$$REDIS_URL" ]; then \
		$(BIN)/celery -A factcheck worker --beat --loglevel=info --concurrency=2 & workers="$$!"; \
	else \
		$(BIN)/python manage.py jobs work & workers="$$!"; \
	fi; \
	trap 'kill $$workers' EXIT; \
	$(BIN)/gunicorn factcheck.wsgi --bind 127.0.0.1:8000 --workers 2 --threads 4 --access-logfile -

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Lint, migrations check, then the whole suite. Tests that need PostgreSQL, Redis or
# Chromium say so and are skipped when those are missing (see README).
test: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	SECRET_KEY=test-only $(BIN)/python manage.py makemigrations --check --dry-run -v1
	SECRET_KEY=test-only $(BIN)/python -m pytest $(PYTEST_ARGS)

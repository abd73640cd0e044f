# The template's own entry points. Needs only Python 3.11+, git and make:
# uv is installed with pip when it is missing.
.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
UV ?= $(shell command -v uv 2>/dev/null || echo "$(PYTHON) -m uv")
DEMO_DIR ?= build/demo
PYTEST_ARGS ?=

.PHONY: help
help: ## List the targets with what they do
	@grep -E '^[a-zA-Z_-]+:.*?## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*?## "}; {printf "  %-10s %s\n", $$1, $$2}'

.PHONY: uv
uv:
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --user uv \
		|| $(PYTHON) -m pip install --quiet --user --break-system-packages uv

.venv: pyproject.toml uv
	$(UV) sync --quiet
	@touch .venv

.PHONY: demo
demo: .venv ## Generate a project with the default answers in build/demo, set it up, run its checks and pipeline
	rm -rf $(DEMO_DIR)
	$(UV) run --no-sync cookiecutter --no-input --output-dir $(DEMO_DIR) .
	$(MAKE) -C $(DEMO_DIR)/churn-model setup check pipeline

.PHONY: test
test: .venv ## Run the template's tests: hooks, every option combination, generated projects
	$(UV) run --no-sync pytest -n 2 --dist loadgroup $(PYTEST_ARGS)

.PHONY: lint
lint: .venv ## Lint the template's own code with its pre-commit hooks (the Jinja tree is left alone)
	$(UV) run --no-sync pre-commit run --all-files --show-diff-on-failure

.PHONY: bench
bench: .venv ## Time generation against the floor of cookiecutter itself
	$(UV) run --no-sync python benchmarks/bench_generate.py

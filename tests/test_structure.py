"""Layer 2: every option combination renders a complete, well-formed project."""

from __future__ import annotations

import itertools
import json
import re
import subprocess
import sys
import tomllib

import pytest
import yaml

from tests.conftest import BakedProject, Baker, choices

OPTION_KEYS = ("python_version", "cloud_provider", "ci_provider", "licence")
COMBINATIONS = [
    dict(zip(OPTION_KEYS, values, strict=True))
    for values in itertools.product(*(choices(key) for key in OPTION_KEYS))
]
# GitHub Actions expressions are meant to survive rendering; anything else is a leak.
UNRENDERED = re.compile(r"(?<!\$)\{\{|\{%|\{#|cookiecutter\.")
BINARY_SUFFIXES = {".png", ".jpg", ".joblib", ".pkl"}

CI_FILES = {"github": ".github/workflows/ci.yml", "gitlab": ".gitlab-ci.yml"}
LICENCE_MARKERS = {
    "MIT": "MIT License",
    "Apache-2.0": "Apache License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "proprietary": "All rights reserved.",
}


def combination_id(combination: dict[str, str]) -> str:
    return "-".join(combination.values())


def text_files(project: BakedProject) -> dict[str, str]:
    return {
        name: project.read(name)
        for name in sorted(project.files())
        if not name.endswith(tuple(BINARY_SUFFIXES))
    }


def check_no_unrendered_jinja(project: BakedProject) -> None:
    for name, text in text_files(project).items():
        match = UNRENDERED.search(text)
        assert match is None, f"{name}: unrendered template text {match.group()!r}"


def check_everything_parses(project: BakedProject) -> None:
    for name, text in text_files(project).items():
        try:
            if name.endswith((".yaml", ".yml")):
                list(yaml.load_all(text, Loader=yaml.SafeLoader))
            elif name.endswith(".toml"):
                tomllib.loads(text)
            elif name.endswith(".json") or name == ".secrets.baseline":
                json.loads(text)
        except Exception as error:  # the message names the file, whatever the parser
            pytest.fail(f"{name} does not parse: {error}")


def check_options_applied(project: BakedProject) -> None:
    answers = project.answers
    files = project.files()
    for provider, path in CI_FILES.items():
        if provider == answers["ci_provider"]:
            assert path in files, f"{path} missing for ci_provider={provider}"
            assert "make check" in project.read(path)
            assert "--locked" in project.read(path)
            if provider == "github":  # Actions expressions survive rendering
                assert "${{ hashFiles('uv.lock') }}" in project.read(path)
        else:
            assert not any(f.startswith(path.split("/")[0]) for f in files), f"{path} left over"
    assert not any(f.startswith(".licences") for f in files)
    assert LICENCE_MARKERS[answers["licence"]] in project.read("LICENSE")
    pyproject = tomllib.loads(project.read("pyproject.toml"))
    assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
    assert pyproject["tool"]["mypy"]["python_version"] == answers["python_version"]
    if answers["licence"] == "proprietary":
        assert "license" not in pyproject["project"]
    else:
        assert pyproject["project"]["license"] == answers["licence"]
    extras = pyproject["project"].get("optional-dependencies", {})
    plugin = {"aws": "dvc-s3", "gcp": "dvc-gs", "azure": "dvc-azure"}.get(answers["cloud_provider"])
    if plugin:
        assert any(dep.startswith(plugin) for dep in extras["cloud"])
    else:
        assert "cloud" not in extras


def check_answers_substituted(project: BakedProject) -> None:
    answers = project.answers
    pyproject = tomllib.loads(project.read("pyproject.toml"))
    assert pyproject["project"]["name"] == answers["project_slug"]
    assert pyproject["project"]["scripts"] == {
        answers["package_name"]: f"{answers['package_name']}.cli:main"
    }
    readme = project.read("README.md")
    for key in ("project_name", "description", "team", "cost_centre"):
        assert project.answers[key] in readme, f"{key} {project.answers[key]!r} not in README.md"
    assert project.answers["author_name"] in project.read("LICENSE")
    assert f'email = "{answers["author_email"]}"' in project.read("pyproject.toml")


@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_every_combination_renders(module_baker: Baker, combination: dict[str, str]) -> None:
    """Generation succeeds; no Jinja survives; every YAML/TOML/JSON parses; options applied."""
    project = module_baker.bake(**combination)
    check_no_unrendered_jinja(project)
    check_everything_parses(project)
    check_options_applied(project)
    check_answers_substituted(project)
    log = project.run("git", "log", "--oneline").stdout
    assert "Initial commit" in log
    assert project.run("git", "status", "--porcelain").stdout == ""


@pytest.mark.parametrize(
    "answers",
    [
        {"project_name": "Churn Model"},
        {"project_name": "Prévision des Ventes & Stocks (EU)"},
        {"project_name": "x" * 63},
        {"project_name": "Fraud", "package_name": "fraud_detection_with_long_name32"},
    ],
    ids=["default", "unicode", "longest-name", "long-package"],
)
def test_output_is_already_formatted_and_lint_clean(baker: Baker, answers: dict[str, str]) -> None:
    """ruff format and ruff check leave the generated code unchanged, whatever the names' length."""
    project = baker.bake(**answers)
    ruff = [sys.executable, "-m", "ruff"]
    config = ["--config", str(project.path / "pyproject.toml")]
    formatted = subprocess.run(
        [*ruff, "format", "--check", "--diff", *config, "."],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    linted = subprocess.run(
        [*ruff, "check", *config, "."],
        cwd=project.path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert linted.returncode == 0, linted.stdout + linted.stderr

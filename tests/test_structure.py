"""Layer 2: every option combination renders a complete, well-formed project."""

from __future__ import annotations

import functools
import itertools
import json
import re
import subprocess
import sys
import tomllib

import jinja2
import pytest
import yaml

from tests.conftest import QUESTIONS, TEMPLATE_DIR, BakedProject, Baker, choices

# Every choice question of cookiecutter.json, and every combination of their answers,
# except that `example` (the dataset: params.yaml, the README's example and the goldens)
# touches no file the other choices do, so it takes turns instead of multiplying the
# combinations by three: each example is baked with a third of them.
CYCLED_KEYS = ("example",)
OPTION_KEYS = tuple(
    key
    for key, value in QUESTIONS.items()
    if isinstance(value, list) and not key.startswith("_") and key not in CYCLED_KEYS
)
COMBINATIONS = [
    {
        **dict(zip(OPTION_KEYS, values, strict=True)),
        **{key: choices(key)[number % len(choices(key))] for key in CYCLED_KEYS},
    }
    for number, values in enumerate(itertools.product(*(choices(key) for key in OPTION_KEYS)))
]
# GitHub Actions expressions are meant to survive rendering; anything else is a leak.
UNRENDERED = re.compile(r"(?<!\$)\{\{|\{%|\{#|cookiecutter\.")
BINARY_SUFFIXES = {".png", ".jpg", ".joblib", ".pkl"}

# What each choice puts in a project: one line per choice. A choice in cookiecutter.json
# with no line here, or a line for no choice, fails test_option_tables_cover_every_choice.
CI_FILES: dict[str, str | None] = {
    "github": ".github/workflows/ci.yml",
    "gitlab": ".gitlab-ci.yml",
    "none": None,
}
LICENCE_MARKERS = {
    "MIT": "MIT License",
    "Apache-2.0": "Apache License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "proprietary": "All rights reserved.",
}
CLOUD_PLUGINS: dict[str, str | None] = {
    "aws": "dvc-s3",
    "gcp": "dvc-gs",
    "azure": "dvc-azure",
    "none": None,
}
# The task of each example's contract, which its golden predictions name too.
EXAMPLE_TASKS = {"breast_cancer": "binary", "wine": "multiclass", "diabetes": "regression"}
OPTION_TABLES = {
    "ci_provider": CI_FILES,
    "licence": LICENCE_MARKERS,
    "cloud_provider": CLOUD_PLUGINS,
    "example": EXAMPLE_TASKS,
}

# The files a project gets: the template tree's, rendered, except the stashes the
# post-generation hook takes one file from (as LICENSE and uv.lock) and the files of
# the choices not made. So a new template file needs no test edit, unless only some
# choices get it: then its path goes in OPTION_FILES.
TEMPLATE_TREE = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
GOLDEN_EXAMPLES = "tests/golden/examples"  # <example>/{metrics.json,inputs.csv,predictions.json}
GOLDEN_FILES = ("metrics.json", "inputs.csv", "predictions.json")
STASHES = (".licences", ".locks", GOLDEN_EXAMPLES)
PLACED_BY_THE_HOOK = frozenset({"LICENSE", "uv.lock", *(f"tests/golden/{n}" for n in GOLDEN_FILES)})
# Paths (a file, or a folder and everything in it) only the named choice keeps.
OPTION_FILES: dict[str, dict[str, tuple[str, ...]]] = {
    "ci_provider": {
        choice: (path.split("/")[0],) if path else () for choice, path in CI_FILES.items()
    },
    # Each cloud's Terraform (issue 11); none keeps only infra/k8s/.
    "cloud_provider": {
        cloud: (f"infra/terraform/{cloud}",) if plugin else ()
        for cloud, plugin in CLOUD_PLUGINS.items()
    },
}
# Renovate keeps a GitLab project's dependencies current (Dependabot is in .github/).
OPTION_FILES["ci_provider"]["gitlab"] += ("renovate.json",)


# GitLab's merge-request template and CODEOWNERS (GitHub's are in .github/).
OPTION_FILES["ci_provider"]["gitlab"] += (".gitlab",)


def template_files() -> list[str]:
    return sorted(
        path.relative_to(TEMPLATE_TREE).as_posix()
        for path in TEMPLATE_TREE.rglob("*")
        if path.is_file()
    )


@functools.cache
def _name_template(name: str) -> jinja2.Template:
    return jinja2.Template(name)


def render_name(name: str, answers: dict[str, str]) -> str:
    """A template path as Cookiecutter names it for ``answers``."""
    return _name_template(name).render(cookiecutter=answers) if "{" in name else name


def within(name: str, path: str) -> bool:
    return name == path or name.startswith(f"{path}/")


def expected_files(answers: dict[str, str], names: list[str]) -> set[str]:
    """The exact files a project with ``answers`` has, from the template's ``names``."""
    unchosen = [
        path
        for key, table in OPTION_FILES.items()
        for choice, paths in table.items()
        if choice != answers[key]
        for path in paths
    ]
    rendered = {
        render_name(name, answers)
        for name in names
        if not any(within(name, stash) for stash in STASHES)
    }
    return {
        name for name in rendered if not any(within(name, path) for path in unchosen)
    } | PLACED_BY_THE_HOOK


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
    ci = CI_FILES[answers["ci_provider"]]
    if ci is not None:
        assert ci in files, f"{ci} missing for ci_provider={answers['ci_provider']}"
        assert "make check" in project.read(ci)
        assert "--locked" in project.read(ci)
        if answers["ci_provider"] == "github":  # Actions expressions survive rendering
            assert "${{ hashFiles('uv.lock') }}" in project.read(ci)
    assert LICENCE_MARKERS[answers["licence"]] in project.read("LICENSE")
    pyproject = tomllib.loads(project.read("pyproject.toml"))
    assert pyproject["project"]["requires-python"] == f">={answers['python_version']}"
    assert pyproject["tool"]["mypy"]["python_version"] == answers["python_version"]
    if answers["licence"] == "proprietary":
        assert "license" not in pyproject["project"]
    else:
        assert pyproject["project"]["license"] == answers["licence"]
    example = answers["example"]
    params = yaml.safe_load(project.read("params.yaml"))
    assert params["data"]["source"] == f"sklearn:{example}"
    assert params["data"]["contract"] == f"contracts/{example}.yaml"
    assert {f"contracts/{name}.yaml" for name in EXAMPLE_TASKS} <= files, "every example ships"
    for name in GOLDEN_FILES:  # the chosen example's goldens, byte for byte
        shipped = TEMPLATE_TREE / GOLDEN_EXAMPLES / example / name
        assert project.read(f"tests/golden/{name}") == shipped.read_text(encoding="utf-8")
    golden = json.loads(project.read("tests/golden/predictions.json"))
    assert golden["task"] == EXAMPLE_TASKS[example]
    extras = pyproject["project"].get("optional-dependencies", {})
    plugin = CLOUD_PLUGINS[answers["cloud_provider"]]
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


@pytest.mark.parametrize("key", sorted(OPTION_TABLES))
def test_option_tables_cover_every_choice(key: str) -> None:
    """Each table of what a choice does has one line per choice of cookiecutter.json."""
    table = set(OPTION_TABLES[key])
    missing = [choice for choice in choices(key) if choice not in table]
    extra = sorted(table - set(choices(key)))
    assert not missing, f"{key} choices {missing} have no line in the tests' table for {key}"
    assert not extra, f"the tests' table for {key} has lines {extra} that are no choice"


def test_option_files_are_template_files() -> None:
    """Each path a choice owns exists in the template, for a choice cookiecutter.json offers."""
    names = template_files()
    for key, table in OPTION_FILES.items():
        assert set(table) == set(choices(key)), f"OPTION_FILES[{key!r}] must list every choice"
        for choice, paths in table.items():
            for path in paths:
                assert any(within(name, path) for name in names), (
                    f"OPTION_FILES: {path} ({key}={choice}) is not in {TEMPLATE_TREE.name}/"
                )


@pytest.mark.parametrize("combination", COMBINATIONS, ids=combination_id)
def test_every_combination_renders(module_baker: Baker, combination: dict[str, str]) -> None:
    """Generation succeeds with exactly the expected files; no Jinja survives; every
    YAML/TOML/JSON parses; options applied."""
    project = module_baker.bake(**combination)
    expected = expected_files(dict(project.answers), template_files())
    found = project.files()
    assert found == expected, (
        f"missing: {sorted(expected - found)}; unexpected: {sorted(found - expected)}"
    )
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

"""The template's own README and docs say only what is true of this repository.

The options reference (docs/options.md) is compared with cookiecutter.json and with a
real bake, the tree of docs/generated.md with a real bake, links and paths must resolve
inside the repository, and the one-layer test command the README gives is run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import QUESTIONS, TEMPLATE_DIR, BakedProject, Baker, hermetic_env

README = TEMPLATE_DIR / "README.md"
OPTIONS = TEMPLATE_DIR / "docs" / "options.md"
GENERATED = TEMPLATE_DIR / "docs" / "generated.md"
DOCS = [README, *sorted((TEMPLATE_DIR / "docs").glob("*.md"))]
# A row of the options reference: question, default, valid values, what it changes.
ROW = re.compile(
    r"^\|\s*`(?P<key>[^`|]+)`\s*\|(?P<default>[^|]*)\|(?P<values>[^|]*)\|(?P<effect>[^|]*)\|$"
)
# A row of the generated tree: a quoted path, then its purpose.
TREE_ROW = re.compile(r"^\|\s*`(?P<path>[^`]+)`\s*\|(?P<purpose>[^|]+)\|$")
# A Markdown link target or a code span that names a relative path.
LINK = re.compile(r"\]\((?!https?://|mailto:|#)(?P<target>[^)#\s]+)")
PATH_SPAN = re.compile(r"`(?P<path>\.\.?/[^`\s]+)`")


def options_table() -> dict[str, tuple[str, str, str]]:
    """Rows of docs/options.md: question -> (default, valid values, what it changes)."""
    rows: dict[str, tuple[str, str, str]] = {}
    for line in OPTIONS.read_text(encoding="utf-8").splitlines():
        match = ROW.match(line.strip())
        if match and match["key"] != "question":
            rows[match["key"]] = (
                match["default"].strip(),
                match["values"].strip(),
                match["effect"].strip(),
            )
    return rows


def public_questions() -> list[str]:
    return [key for key in QUESTIONS if not key.startswith("_")]


def test_options_reference_lists_every_question_and_no_other() -> None:
    """Each question of cookiecutter.json has a row; no row names a question that is gone."""
    documented = options_table()
    missing = [key for key in public_questions() if key not in documented]
    stale = [key for key in documented if key not in public_questions()]
    assert (missing, stale) == ([], []), (
        f"docs/options.md: no row for the question(s) {missing}; rows for {stale}, which "
        f"cookiecutter.json does not ask (its questions: {public_questions()})"
    )


@pytest.fixture(scope="module")
def default_bake(tmp_path_factory: pytest.TempPathFactory) -> BakedProject:
    """A project generated with every default, once for the module."""
    return Baker(tmp_path_factory.mktemp("defaults")).bake()


@pytest.fixture(scope="module")
def default_answers(default_bake: BakedProject) -> dict[str, str]:
    """The answers a project generated with every default really gets."""
    return dict(default_bake.answers)


@pytest.mark.parametrize("key", public_questions())
def test_options_reference_shows_the_real_default_and_every_value(
    key: str, default_answers: dict[str, str]
) -> None:
    """The default quotes what a `--no-input` bake uses; a choice's row lists every option."""
    row = options_table().get(key)
    assert row is not None, f"docs/options.md has no row for the question {key}"
    default_cell, values, effect = row
    shown = re.findall(r"`([^`]*)`", default_cell)
    assert shown, f"docs/options.md row {key}: the default column quotes no value: {default_cell!r}"
    assert shown[0] == default_answers[key], (
        f"docs/options.md row {key}: shows default {shown[0]!r}, a bake uses {default_answers[key]!r}"
    )
    assert values, f"docs/options.md row {key}: the valid values column is empty"
    assert effect, f"docs/options.md row {key}: the column of what it changes is empty"
    options = QUESTIONS[key]
    if isinstance(options, list):
        quoted = re.findall(r"`([^`]*)`", values)
        missing = [o for o in options if o not in quoted]
        stale = [v for v in quoted if v not in options]
        assert not missing, f"docs/options.md row {key}: does not list the option(s) {missing}"
        assert not stale, f"docs/options.md row {key}: lists {stale}, not among {options}"


def test_generated_tree_names_only_what_a_bake_has(default_bake: BakedProject) -> None:
    """Every path docs/generated.md describes exists in a project generated with the defaults."""
    baked = default_bake.path
    package = default_bake.answers["package_name"]
    paths = [
        match["path"]
        for line in GENERATED.read_text(encoding="utf-8").splitlines()
        if (match := TREE_ROW.match(line.strip())) and match["path"] != "path"
    ]
    assert len(paths) >= 20, f"docs/generated.md: expected its tree table, found {paths}"
    absent = [p for p in paths if not (baked / p.replace("<package>", package)).exists()]
    assert not absent, f"docs/generated.md describes {absent}, absent from a default bake"


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.name)
def test_docs_point_only_inside_the_repository(doc: Path) -> None:
    """Every relative link and quoted relative path resolves to a file of this repository."""
    text = doc.read_text(encoding="utf-8")
    targets = [m["target"] for m in LINK.finditer(text)] + [
        m["path"] for m in PATH_SPAN.finditer(text)
    ]
    for target in targets:
        resolved = (doc.parent / target).resolve()
        assert resolved.is_relative_to(TEMPLATE_DIR), (
            f"{doc.name} points outside the repository: {target}"
        )
        assert resolved.exists(), f"{doc.name} points at {target}, which does not exist"


def test_one_layer_command_runs_only_that_layer(tmp_path: Path) -> None:
    """The README's command for one layer of tests runs that layer, and it passes."""
    readme = README.read_text(encoding="utf-8")
    command = re.search(r"^(make test PYTEST_ARGS=\S+)", readme, re.MULTILINE)
    assert command, "the README shows no command that runs one layer of the tests"
    result = subprocess.run(
        command[1],
        shell=True,
        cwd=TEMPLATE_DIR,
        env={**hermetic_env(tmp_path / "home"), "PLANTED_BUGS_REPORT": str(tmp_path / "bugs.txt")},
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "test_hooks.py" in command[1]
    assert re.search(r"\d+ passed", result.stdout), result.stdout[-2000:]


def test_readme_quotes_what_a_bad_choice_prints(tmp_path: Path) -> None:
    """The README quotes Cookiecutter's own last line for a choice outside its list, exactly."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(tmp_path / "out"),
            str(TEMPLATE_DIR),
            "python_version=2.7",
        ],
        env=hermetic_env(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    last = result.stderr.strip().splitlines()[-1]
    assert f"`{last}`" in README.read_text(encoding="utf-8"), last
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())

"""The template's own README and docs say only what is true of this repository.

The questions table is compared with cookiecutter.json and with a real bake, links and
paths must resolve inside the repository, and the one-layer test command the README
gives is run.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import QUESTIONS, TEMPLATE_DIR, Baker, hermetic_env

README = TEMPLATE_DIR / "README.md"
DOCS = [README, *sorted((TEMPLATE_DIR / "docs").glob("*.md"))]
ROW = re.compile(
    r"^\|\s*`(?P<key>[a-z_]+)`(?:, `(?P<key2>[a-z_]+)`)?\s*\|(?P<default>[^|]*)\|(?P<notes>[^|]*)\|$"
)
# A Markdown link target or a code span that names a relative path.
LINK = re.compile(r"\]\((?!https?://|mailto:|#)(?P<target>[^)#\s]+)")
PATH_SPAN = re.compile(r"`(?P<path>\.\.?/[^`\s]+)`")


def questions_table() -> dict[str, tuple[str, str]]:
    """Rows of the README's questions table: key -> (default cell, notes cell)."""
    section = (
        README.read_text(encoding="utf-8").split("## The questions", 1)[1].split("\n## ", 1)[0]
    )
    rows: dict[str, tuple[str, str]] = {}
    for line in section.splitlines():
        match = ROW.match(line.strip())
        if not match:
            continue
        cells = (match["default"].strip(), match["notes"].strip())
        rows[match["key"]] = cells
        if match["key2"]:
            rows[match["key2"]] = cells
    return rows


def public_questions() -> list[str]:
    return [key for key in QUESTIONS if not key.startswith("_")]


def test_questions_table_lists_every_question() -> None:
    """Each question of cookiecutter.json has a row, and no row names a missing question."""
    assert sorted(questions_table()) == sorted(public_questions())


@pytest.fixture(scope="module")
def default_answers(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The answers a project generated with every default really gets."""
    return dict(Baker(tmp_path_factory.mktemp("defaults")).bake().answers)


@pytest.mark.parametrize("key", public_questions())
def test_questions_table_shows_the_real_default(key: str, default_answers: dict[str, str]) -> None:
    """The default column quotes what a `--no-input` bake uses; a choice's notes list every option."""
    default_cell, notes = questions_table()[key]
    shown = re.findall(r"`([^`]*)`", default_cell)
    assert shown, f"README row {key}: the default column quotes no value: {default_cell!r}"
    assert shown[0] == default_answers[key], (
        f"README row {key}: shows default {shown[0]!r}, a bake uses {default_answers[key]!r}"
    )
    options = QUESTIONS[key]
    if isinstance(options, list):
        missing = [o for o in options if o not in notes]
        assert not missing, f"README row {key}: notes do not list the options {missing}"


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

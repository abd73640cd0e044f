"""The notebook convention: named by the rule, in notebooks/, committed without outputs.

Running the notebooks (``make notebooks``, ``--execute``) starts a kernel and takes
seconds, so it is left to ``make notebooks`` and the template's tests; these check the
rules on small notebooks written here.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tools.check_notebooks import NAME_RULE, check, main

from tests.conftest import PROJECT_ROOT

CLEAN = {
    "cells": [
        {"cell_type": "markdown", "metadata": {}, "source": ["# Title"]},
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": ["1 + 1"],
        },
    ],
    "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3"}},
    "nbformat": 4,
    "nbformat_minor": 4,
}


def write(root: Path, relative: str, notebook: object) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name", ["01-al-explore-data.ipynb", "12-abcd-x.ipynb", "99-tpl-check-drift-2024.ipynb"]
)
def test_names_that_follow_the_rule(name: str) -> None:
    assert NAME_RULE.fullmatch(name)


@pytest.mark.parametrize(
    "name",
    [
        "Untitled.ipynb",
        "1-al-explore.ipynb",  # one digit
        "01-a-explore.ipynb",  # one initial
        "01-abcde-explore.ipynb",  # five initials
        "01-AL-explore.ipynb",  # upper case
        "01-al-explore_data.ipynb",  # underscore
        "01-al-.ipynb",  # no topic
        "01-al-explore-.ipynb",
        "01-al-explore data.ipynb",
    ],
)
def test_names_that_break_the_rule(name: str, tmp_path: Path) -> None:
    write(tmp_path, f"notebooks/{name}", CLEAN)
    problems = check(tmp_path, run=False, timeout=10)
    assert len(problems) == 1, problems
    assert "expected a name <number>-<initials>-<topic>.ipynb" in problems[0]
    assert name in problems[0]


def test_a_clean_notebook_in_its_folder_passes(tmp_path: Path) -> None:
    write(tmp_path, "notebooks/01-al-explore-data.ipynb", CLEAN)
    assert check(tmp_path, run=False, timeout=10) == []
    assert main([str(tmp_path)]) == 0


def test_a_notebook_outside_notebooks_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "src/01-al-explore-data.ipynb", CLEAN)
    write(tmp_path, "notebooks/old/01-al-explore-data.ipynb", CLEAN)
    problems = check(tmp_path, run=False, timeout=10)
    assert [p.split(":")[0] for p in problems] == [
        "notebooks/old/01-al-explore-data.ipynb",
        "src/01-al-explore-data.ipynb",
    ]
    assert all("expected notebooks in notebooks/" in p for p in problems)


def test_hidden_folders_and_the_built_site_are_not_searched(tmp_path: Path) -> None:
    write(tmp_path, ".venv/share/Untitled.ipynb", CLEAN)
    write(tmp_path, "notebooks/.ipynb_checkpoints/Untitled-checkpoint.ipynb", CLEAN)
    write(tmp_path, "site/Untitled.ipynb", CLEAN)
    assert check(tmp_path, run=False, timeout=10) == []


def test_outputs_counts_and_cell_metadata_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dirty = json.loads(json.dumps(CLEAN))
    code = dirty["cells"][1]
    code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["2\n"]}]
    code["execution_count"] = 3
    code["metadata"] = {"scrolled": True}
    write(tmp_path, "notebooks/01-al-explore-data.ipynb", dirty)
    problems = check(tmp_path, run=False, timeout=10)
    assert len(problems) == 3, problems
    assert all(
        p.startswith("notebooks/01-al-explore-data.ipynb: cell 2: expected") for p in problems
    )
    assert "found 1" in problems[0]
    assert "found 3" in problems[1]
    assert "['scrolled']" in problems[2]
    assert main([str(tmp_path)]) == 1
    assert "tools/check_notebooks.py: notebooks/01-al-explore-data.ipynb" in capsys.readouterr().err


@pytest.mark.parametrize("text", ["{not json", "[1, 2]", '{"cells": 3}'])
def test_a_file_that_is_not_a_notebook_is_reported(tmp_path: Path, text: str) -> None:
    path = tmp_path / "notebooks" / "01-al-explore-data.ipynb"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    problems = check(tmp_path, run=False, timeout=10)
    assert len(problems) == 1
    assert problems[0].startswith("notebooks/01-al-explore-data.ipynb: expected a notebook")


def test_the_project_notebooks_follow_the_rules() -> None:
    """The notebooks this project commits (the example, and yours) pass the check."""
    assert check(PROJECT_ROOT, run=False, timeout=10) == []

"""Every command the template's docs show is run by a test.

Commands are read from the fenced ``bash`` blocks of README.md and docs/*.md; each
must be listed here with the test that runs it, so a new command in a doc without a
test fails this check.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import TEMPLATE_DIR, Baker

FENCE = re.compile(r"```bash\n(.*?)```", re.DOTALL)

TESTED_COMMANDS = {
    "make demo": "tests/test_generated_project.py::test_make_demo",
    "make test": ".ci/run (CI runs the template's tests with it)",
    "make test PYTEST_ARGS=tests/test_hooks.py": (
        "tests/test_template_docs.py::test_one_layer_command_runs_only_that_layer"
    ),
    "cruft create --no-input path/to/this/template": "tests/test_docs.py::test_cruft_round_trip",
    "cruft check": "tests/test_docs.py::test_cruft_round_trip",
    "cruft diff --exit-code": "tests/test_docs.py::test_cruft_round_trip",
}


def documented_commands() -> list[tuple[str, str]]:
    found = []
    for doc in [TEMPLATE_DIR / "README.md", *sorted((TEMPLATE_DIR / "docs").glob("*.md"))]:
        for block in FENCE.findall(doc.read_text(encoding="utf-8")):
            for line in block.splitlines():
                command = line.split("#", 1)[0].strip()
                if command:
                    found.append((doc.name, command))
    return found


def test_docs_show_commands() -> None:
    """The check reads something (a broken pattern would make the next test vacuous)."""
    assert len(documented_commands()) >= len(TESTED_COMMANDS)


@pytest.mark.parametrize(("doc", "command"), documented_commands())
def test_every_documented_command_is_tested(doc: str, command: str) -> None:
    """Each command shown in a doc has a test that runs it."""
    assert command in TESTED_COMMANDS, f"{doc}: `{command}` is shown but no test runs it"


def test_ci_runs_the_readme_test_command() -> None:
    """CI's script calls the README's test command."""
    assert "make test" in (TEMPLATE_DIR / ".ci" / "run").read_text()


def test_cruft_round_trip(baker: Baker) -> None:
    """cruft create generates the project; cruft check and cruft diff find it up to date."""
    out = baker.root / "cruft"
    out.mkdir()
    cruft = [sys.executable, "-m", "cruft"]
    env = baker.env
    subprocess.run(
        [*cruft, "create", "--no-input", "--output-dir", str(out), str(TEMPLATE_DIR)],
        check=True,
        env=env,
        capture_output=True,
        text=True,
    )
    project = next(out.iterdir())
    assert (project / ".cruft.json").is_file()
    for args in (["check"], ["diff", "--exit-code"]):
        result = subprocess.run(
            [*cruft, *args], cwd=project, env=env, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, f"cruft {' '.join(args)}: {result.stdout}{result.stderr}"


def test_template_readme_has_exactly_two_setup_commands() -> None:
    """The README promises two set-up commands: one demo, one test."""
    readme = (TEMPLATE_DIR / "README.md").read_text(encoding="utf-8")
    setup = readme.split("## Two commands", 1)[1].split("\n## ", 1)[0]
    commands = [
        line.split("#", 1)[0].strip()
        for block in FENCE.findall(setup)
        for line in block.splitlines()
        if line.split("#", 1)[0].strip()
    ]
    assert commands == ["make demo", "make test"], commands
    assert Path(TEMPLATE_DIR / "Makefile").read_text().count("demo:") == 1
    assert "make demo" in readme

"""Layer 3: representative generated projects set up and pass their own checks.

Each project is baked once per worker and installed in a fresh environment with
its own `make setup` (`uv sync --locked` from the uv.lock of its first commit),
exactly as a user would after generating it. Python 3.12 and 3.13 combinations are
covered by the structure layer and by tests/test_locks.py (their locks are current):
these tests run on Python 3.11 and never let uv download another interpreter.
"""

from __future__ import annotations

import re

import pytest

from tests.conftest import DISTINCT_PROJECTS, OPTION_PROJECTS, BakedProject, ready

# make check runs in every ready project, the examples of each task among them; the
# other tests are about the options' files and tools, the same whatever the example.
pytestmark = [pytest.mark.slow]


@ready(*OPTION_PROJECTS)
def test_installs_exactly_its_committed_lock(project: BakedProject) -> None:
    """`make setup` installed from the committed uv.lock (`uv sync --locked`) and left it alone."""
    changed = project.run("git", "status", "--porcelain", "--", "uv.lock").stdout
    assert changed == "", (
        f"expected make setup to leave the committed uv.lock as it was:\n{changed}"
    )
    # --inexact: another test of the same ready project may have added the cloud extra.
    project.run("./tools/uv", "sync", "--locked", "--offline", "--check", "--inexact")


@ready(*DISTINCT_PROJECTS)
def test_make_check_passes(project: BakedProject) -> None:
    """The generated project's own `make check` (lint, types, tests) is green on first run."""
    project.run("make", "check")


@ready(*OPTION_PROJECTS)
def test_make_format_changes_nothing(project: BakedProject) -> None:
    """The template emits code that is already formatted (copier-uv's check)."""
    project.run("make", "format")
    changed = project.run("git", "status", "--porcelain", "--untracked-files=no").stdout
    assert changed == "", f"make format changed files:\n{changed}"


@ready(*OPTION_PROJECTS)
def test_make_help_lists_only_working_targets(project: BakedProject) -> None:
    """Every documented target is a real target (make -n succeeds for each)."""
    listing = project.run("make", "--no-print-directory", "help").stdout
    targets = re.findall(r"^  (\S+) ", listing, re.MULTILINE)
    assert {"setup", "check", "test", "lint", "format", "pipeline", "bench"} <= set(targets)
    for target in targets:
        project.run("make", "--no-print-directory", "-n", target)


@ready(*OPTION_PROJECTS)
def test_console_command_answers_help(project: BakedProject) -> None:
    """The command named after the package is installed and documents its subcommands."""
    package = project.answers["package_name"]
    result = project.run("./tools/uv", "run", "--no-sync", package, "--help")
    assert "show-config" in result.stdout

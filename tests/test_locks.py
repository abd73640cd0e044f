"""Each generated project's first commit carries the uv.lock the template's tests ran.

The template stores one lock per Python version and cloud option (`make locks`); the
post-generation hook renames the project in it and commits it. A lock that no longer
matches the generated pyproject.toml fails here, before a user's `make setup` does.
"""

from __future__ import annotations

import itertools
import subprocess
import tomllib

import pytest

from tests.conftest import TEMPLATE_DIR, BakedProject, Baker, choices

LOCK_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / ".locks"
COMBINATIONS = list(itertools.product(choices("python_version"), choices("cloud_provider")))


def test_one_stored_lock_per_combination() -> None:
    expected = {f"py{python}-{cloud}.lock" for python, cloud in COMBINATIONS}
    stored = {path.name for path in LOCK_DIR.iterdir()}
    assert stored == expected, (
        f"expected the locks {sorted(expected)} in {LOCK_DIR}, found {sorted(stored)}: "
        "run `make locks`"
    )


def uv_lock_check(project: BakedProject) -> subprocess.CompletedProcess[str]:
    """`uv lock --check`, from the uv cache when it has everything, else from the index."""
    offline = project.run("./tools/uv", "lock", "--check", "--offline", check=False)
    if offline.returncode == 0 or "needs to be updated" in offline.stderr:
        return offline
    return project.run("./tools/uv", "lock", "--check", check=False)


@pytest.mark.parametrize(("python", "cloud"), COMBINATIONS)
def test_baked_lock_is_current_and_names_the_project(
    module_baker: Baker, python: str, cloud: str
) -> None:
    # Slugs that sort in different places among the locked packages.
    slug = f"{cloud}-py{python.replace('.', '')}-model"
    project = module_baker.bake(project_slug=slug, python_version=python, cloud_provider=cloud)

    lock = tomllib.loads(project.read("uv.lock"))
    own = [p["name"] for p in lock["package"] if p.get("source") == {"editable": "."}]
    assert own == [slug], f"expected the lock to name the project {slug!r}, found {own}"
    names = [p["name"] for p in lock["package"]]
    assert names == sorted(names), "expected the [[package]] tables sorted by name, as uv writes"
    assert not project.has_file(".locks"), "expected .locks/ removed from the generated project"
    committed = project.run("git", "log", "--format=%s", "--", "uv.lock").stdout.splitlines()
    assert committed == ["Initial commit from the ML project template"], (
        f"expected uv.lock in the first commit only, found commits {committed}"
    )

    if project.run("./tools/uv", "python", "find", python, check=False).returncode != 0:
        pytest.skip(f"no Python {python} here for uv to lock with")
    result = uv_lock_check(project)
    assert result.returncode == 0, (
        f"the stored lock py{python}-{cloud}.lock is stale: run `make locks`\n{result.stderr}"
    )


def test_setup_refuses_a_stale_lock(baker: Baker) -> None:
    """`make setup` installs exactly the lock: a changed dependency is an error, not a re-lock."""
    project = baker.bake()
    pyproject = project.read("pyproject.toml")
    assert '    "joblib>=1.3",\n' in pyproject
    (project.path / "pyproject.toml").write_text(pyproject.replace('    "joblib>=1.3",\n', ""))
    before = project.read("uv.lock")

    result = project.run("make", "setup", check=False, UV_OFFLINE="1")
    assert result.returncode != 0, f"expected make setup to fail on a stale lock:\n{result.stdout}"
    assert "needs to be updated" in result.stderr, result.stderr
    assert project.read("uv.lock") == before, "expected make setup to leave uv.lock alone"
    assert not project.has_file(".venv/bin/dvc"), "expected nothing installed from a stale lock"

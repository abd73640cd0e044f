"""Shared fixtures: a hermetic way to bake the template and look at the result.

Inspired by fpgmaas/cookiecutter-uv's ``BakedProject`` helper: a baked project
knows its path and answers, and offers ``has_file``, ``read`` and ``run``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from cookiecutter.main import cookiecutter

TEMPLATE_DIR = Path(__file__).resolve().parents[1]
QUESTIONS: dict[str, object] = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text())


def choices(key: str) -> list[str]:
    options = QUESTIONS[key]
    assert isinstance(options, list), f"{key} is not a choice question"
    return [str(option) for option in options]


def hermetic_env(home: Path) -> dict[str, str]:
    """Environment for baking and running projects without touching the real home.

    HOME points at a temporary folder (Cookiecutter's replay files and git's config
    land there); git gets an identity from the environment; the uv download cache
    stays where it was, since it is a cache shared by design and re-downloading
    every wheel would only make the tests slow. pre-commit's home is the temporary
    one: the hooks are local, so it holds nothing worth sharing.
    """
    # UV_TOOLS_DIR is the template Makefile's home for its own uv: not the projects'.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"VIRTUAL_ENV", "PYTHONPATH", "UV_TOOLS_DIR"}
    }
    uv_cache = env.get("UV_CACHE_DIR") or str(Path.home() / ".cache" / "uv")
    env.update(
        HOME=str(home),
        UV_CACHE_DIR=uv_cache,
        XDG_CONFIG_HOME=str(home / ".config"),
        GIT_CONFIG_NOSYSTEM="1",
        GIT_AUTHOR_NAME="Template Tests",
        GIT_AUTHOR_EMAIL="tests@example.com",
        GIT_COMMITTER_NAME="Template Tests",
        GIT_COMMITTER_EMAIL="tests@example.com",
        DVC_NO_ANALYTICS="1",
        # Only the Pythons on this machine: a missing one is an error, never a download.
        UV_PYTHON_DOWNLOADS="never",
        PRE_COMMIT_HOME=str(home / ".cache" / "pre-commit"),
    )
    return env


def _clip(text: str, keep: int = 4000) -> str:
    """The start and the end of a long output: where a tool says what failed, and the end."""
    if len(text) <= 2 * keep:
        return text
    return f"{text[:keep]}\n[... {len(text) - 2 * keep} characters ...]\n{text[-keep:]}"


@dataclass
class BakedProject:
    path: Path
    answers: Mapping[str, str]
    env: dict[str, str] = field(repr=False)

    def has_file(self, relative: str) -> bool:
        return (self.path / relative).exists()

    def read(self, relative: str) -> str:
        return (self.path / relative).read_text(encoding="utf-8")

    def remove(self, *relatives: str) -> None:
        """Delete what a test left in the shared ready project (files or folders)."""
        for relative in relatives:
            path = self.path / relative
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink(missing_ok=True)

    def files(self) -> set[str]:
        return {
            p.relative_to(self.path).as_posix()
            for p in self.path.rglob("*")
            if p.is_file() and ".git" not in p.relative_to(self.path).parts
        }

    def run(
        self, *command: str, check: bool = True, timeout: float = 900, **env: str
    ) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            command,
            cwd=self.path,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if check and result.returncode != 0:
            pytest.fail(
                f"{' '.join(command)} exited {result.returncode} in {self.path}\n"
                f"--- stdout ---\n{_clip(result.stdout)}\n--- stderr ---\n{_clip(result.stderr)}"
            )
        return result


class Baker:
    """Bakes the template into a temporary folder with no writes to the real home."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = root / "home"
        self.home.mkdir(parents=True, exist_ok=True)
        self.env = hermetic_env(self.home)
        self.config = root / "cookiecutter-config.yaml"
        self.config.write_text(
            f"cookiecutters_dir: {root / 'cookiecutters'}\nreplay_dir: {root / 'replay'}\n"
        )
        self.count = 0

    def bake(self, **answers: str) -> BakedProject:
        unknown = sorted(set(answers) - set(QUESTIONS))
        if unknown:
            raise KeyError(f"unknown template question(s) {unknown}; known: {sorted(QUESTIONS)}")
        self.count += 1
        output = self.root / f"bake-{self.count}"
        output.mkdir()
        saved = dict(os.environ)
        os.environ.clear()
        os.environ.update(self.env)
        try:
            path = cookiecutter(
                str(TEMPLATE_DIR),
                no_input=True,
                extra_context=answers,
                output_dir=str(output),
                config_file=str(self.config),
            )
        finally:
            os.environ.clear()
            os.environ.update(saved)
        project = Path(path)
        # The answers as the project got them: plain defaults, first choices, the
        # derived names read back from the output, then what the test passed.
        context = {
            key: value
            for key, value in QUESTIONS.items()
            if isinstance(value, str) and not key.startswith("_") and "{{" not in value
        }
        context.update(
            {
                key: str(value[0])
                for key, value in QUESTIONS.items()
                if isinstance(value, list) and not key.startswith("_")
            }
        )
        context.update(
            project_slug=project.name,
            package_name=next((project / "src").iterdir()).name,
        )
        context.update(answers)
        return BakedProject(project, context, self.env)


# The generated projects tests run in, baked and set up once: a name and its answers.
# A test file picks one with `pytestmark = ready("default")` and takes the fixture
# `project`; a combination that needs its own checks is one more line here.
REPRESENTATIVE: dict[str, dict[str, str]] = {
    # The defaults: GitHub Actions, AWS remote, MIT, Python 3.11.
    "default": {},
    # Every other branch of the options that changes files, on the Python we have here.
    "gitlab-nocloud-proprietary": {
        "ci_provider": "gitlab",
        "cloud_provider": "none",
        "licence": "proprietary",
        "project_name": "Fraud Signals",
    },
    # The examples of the other tasks (the default is binary): multiclass, and regression
    # with slices. Only their own pipeline and checks run on them (EXAMPLE_PROJECTS).
    "example-wine": {"example": "wine", "project_name": "Wine Cultivars"},
    "example-diabetes": {"example": "diabetes", "project_name": "Diabetes Progression"},
    # The defaults again: the long runbook tests (model lifecycle, monitoring, privacy)
    # take this copy, so an xdist worker other than the one with "default" can run them.
    "default-b": {},
}
# The ready projects that differ from the default only in the example dataset: the tests
# of what the example changes (make check, make pipeline, predict) take them, the tests
# of the options' files and tools take OPTION_PROJECTS.
EXAMPLE_PROJECTS = ("example-wine", "example-diabetes")
SECOND_DEFAULT = "default-b"  # the same answers as "default": nothing of its own to check
OPTION_PROJECTS = tuple(
    name for name in REPRESENTATIVE if name not in (*EXAMPLE_PROJECTS, SECOND_DEFAULT)
)
# Every project whose answers differ: `make check` runs once on each.
DISTINCT_PROJECTS = (*OPTION_PROJECTS, *EXAMPLE_PROJECTS)


def ready(*names: str) -> pytest.MarkDecorator:
    """Run the marked tests (or `pytestmark` module) once per named ready project.

    Each name becomes a parameter of the `project` fixture and an xdist group of the
    same name, so under `--dist loadgroup` one worker runs every test of a project and
    bakes and sets it up once.
    """
    unknown = sorted(set(names) - set(REPRESENTATIVE))
    if unknown or not names:
        raise KeyError(
            f"unknown ready project(s) {unknown or '(none given)'}; known: {sorted(REPRESENTATIVE)}"
        )
    return pytest.mark.parametrize(
        "project",
        [pytest.param(name, id=name, marks=pytest.mark.xdist_group(name)) for name in names],
        indirect=True,
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Keep `--dist loadgroup` grouping on pytest 9.2, where xdist 3.8 no longer can.

    An xdist worker names each test of a group `<nodeid>@<group>`, and the controller
    gives each group to one worker. xdist 3.8 writes that name to `item._nodeid`, which
    pytest 9.2 no longer reads (pytest-dev/pytest-xdist#1386), so every group would be
    spread over the workers and each would set up each ready project. This runs after
    xdist's hook and does the same to the id pytest 9.2 reads; it does nothing where
    xdist's own renaming took effect.
    """
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        groups = {
            str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
            for mark in item.iter_markers("xdist_group")
        }
        suffix = "@" + "_".join(sorted(groups))
        node_id = getattr(item, "_id", None)
        if groups and node_id is not None and not item.nodeid.endswith(suffix):
            item._id = type(node_id).parse(item.nodeid + suffix)  # type: ignore[attr-defined]


@pytest.fixture(scope="session")
def ready_projects(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], BakedProject]:
    """The named representative project, baked and set up (`make setup`) on first use.

    Session-scoped, so per xdist worker: with the groups `ready` sets, once in all.
    """
    baker = Baker(tmp_path_factory.mktemp("ready"))
    projects: dict[str, BakedProject] = {}

    def get(name: str) -> BakedProject:
        if name not in projects:
            project = baker.bake(**REPRESENTATIVE[name])
            project.run("make", "setup")
            projects[name] = project
        return projects[name]

    return get


@pytest.fixture
def project(
    request: pytest.FixtureRequest, ready_projects: Callable[[str], BakedProject]
) -> BakedProject:
    """A ready (baked, `make setup`) generated project: the one `ready(name)` names.

    A test file that needs a project made otherwise defines its own `project` fixture,
    which overrides this one (tests/test_failures.py); one that needs more done to the
    ready project overrides it with `def project(project)` (tests/test_generated_pipeline.py).
    """
    name = getattr(request, "param", None)
    if name is None:
        pytest.fail(
            f"{request.node.nodeid} uses the ready `project` without naming it: mark the test "
            "or module with tests.conftest.ready('default') (or another REPRESENTATIVE name)"
        )
    return ready_projects(name)


# A nested run (the README's one-layer command, run by a test) reports elsewhere, so it
# cannot wipe the report of the run that started it.
PLANTED_BUGS_REPORT = Path(
    os.environ.get("PLANTED_BUGS_REPORT", TEMPLATE_DIR / "build" / "planted-bugs.txt")
)


def pytest_sessionstart(session: pytest.Session) -> None:
    if not hasattr(session.config, "workerinput"):  # the controller, not an xdist worker
        PLANTED_BUGS_REPORT.unlink(missing_ok=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if PLANTED_BUGS_REPORT.is_file():
        terminalreporter.section("planted bugs and the generated tests that caught them")
        terminalreporter.write(PLANTED_BUGS_REPORT.read_text(encoding="utf-8"))


@pytest.fixture
def baker(tmp_path: Path) -> Baker:
    return Baker(tmp_path)


@pytest.fixture(scope="module")
def module_baker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Baker]:
    root = tmp_path_factory.mktemp("bakes")
    yield Baker(root)
    shutil.rmtree(root, ignore_errors=True)

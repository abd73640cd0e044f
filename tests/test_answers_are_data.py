"""Answers are data, never code: what local_extensions.py and the hooks refuse, and where.

Cookiecutter renders answers as Jinja before any hook runs, creates the project
folder before the pre-generation hook runs, and reuses an existing folder with
``-f``. These tests pin each way a bad answer or a bad destination used to get
through, on every road in: the command line, the Python API, the prompts, a
user config and cruft.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter
from cookiecutter.utils import create_env_with_context
from jinja2 import Environment
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment, safe_range

from tests.conftest import (
    TEMPLATE_DIR,
    BakedProject,
    Baker,
    hermetic_env,
    ready,
)
from tests.test_hooks import pre_gen, refusal_lines, run_cookiecutter

# Reaches os.system through a Jinja global; renders to the command's exit status.
ATTACK = "{{{{ cycler.__init__.__globals__.os.system('touch {marker}') }}}}"
SYNTAX_ERROR = "must not contain template syntax ({{, {%, {#): answers are used as text, never run"


def one_line(result: subprocess.CompletedProcess[str]) -> str:
    """The single line a failed command printed, across stdout and stderr."""
    lines = (result.stdout + result.stderr).strip().splitlines()
    assert result.returncode == 1, f"exit {result.returncode}\n{result.stdout}{result.stderr}"
    assert len(lines) == 1, lines
    return lines[0]


# --- Template syntax in an answer is refused before anything renders it ---------------


def test_attack_through_the_command_line_runs_nothing(tmp_path: Path) -> None:
    """An answer that reaches os.system is refused; the command never runs, nothing is created."""
    marker, output = tmp_path / "pwned", tmp_path / "out"
    attack = ATTACK.format(marker=marker)
    result = run_cookiecutter(
        tmp_path, "--no-input", "-o", str(output), str(TEMPLATE_DIR), f"description={attack}"
    )
    assert one_line(result) == f"ERROR: description {attack!r} {SYNTAX_ERROR}"
    assert not marker.exists(), "the answer ran a shell command"
    assert not output.exists()


def test_attack_through_the_python_api_runs_nothing(
    baker: Baker, capfd: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    marker = tmp_path / "pwned"
    with pytest.raises(FailedHookException) as error:
        baker.bake(author_name=ATTACK.format(marker=marker))
    lines = refusal_lines(error.value, capfd)
    assert len(lines) == 1, lines
    assert lines[0].startswith("ERROR: author_name ")
    assert not marker.exists(), "the answer ran a shell command"
    assert list((baker.root / f"bake-{baker.count}").iterdir()) == []


@pytest.mark.parametrize(
    ("key", "value"),
    [
        pytest.param("description", "{{ 7*7 }}", id="expression"),
        pytest.param("project_name", "Churn {{ 7*7 }}", id="inside-text"),
        pytest.param("author_name", "{% if true %}Ada{% endif %}", id="statement"),
        pytest.param("team", "{# note #}data", id="comment"),
        pytest.param("project_slug", "{{ cookiecutter.team }}", id="derived-name"),
        # Before: Cookiecutter's "Unable to render variable" and a dump of the whole context.
        pytest.param("description", "{{ no_such_variable }}", id="undefined-variable"),
    ],
)
def test_template_syntax_is_refused_with_one_line(tmp_path: Path, key: str, value: str) -> None:
    """`{{ 7*7 }}` used to become `49`; now it is refused before it is rendered."""
    output = tmp_path / "out"
    result = run_cookiecutter(
        tmp_path, "--no-input", "-o", str(output), str(TEMPLATE_DIR), f"{key}={value}"
    )
    assert one_line(result) == f"ERROR: {key} {value!r} {SYNTAX_ERROR}"
    assert not output.exists()


def test_template_syntax_typed_at_the_prompt_is_refused(tmp_path: Path) -> None:
    """Typed answers are not rendered at the prompt, but would be code in a later render."""
    output = tmp_path / "out"
    # project_name, slug and package (defaults), then the description, then defaults.
    typed = "Churn Model\n\n\n{{ 7*7 }}\n" + "\n" * 9
    result = run_cookiecutter(tmp_path, "-o", str(output), str(TEMPLATE_DIR), stdin=typed)
    assert result.returncode == 1, result.stdout + result.stderr
    assert result.stderr == ""
    errors = [line for line in result.stdout.splitlines() if "ERROR" in line]
    assert len(errors) == 1, result.stdout
    assert result.stdout.rstrip().endswith(f"ERROR: description '{{{{ 7*7 }}}}' {SYNTAX_ERROR}")
    assert not output.exists()


def test_template_syntax_in_the_user_config_is_refused(tmp_path: Path) -> None:
    """A default_context in the user's config is an answer too."""
    config = tmp_path / "config.yaml"
    config.write_text('default_context:\n  description: "{{ 7*7 }}"\n')
    output = tmp_path / "out"
    result = run_cookiecutter(
        tmp_path, "--no-input", "--config-file", str(config), "-o", str(output), str(TEMPLATE_DIR)
    )
    assert one_line(result) == f"ERROR: description '{{{{ 7*7 }}}}' {SYNTAX_ERROR}"
    assert not output.exists()


def test_cruft_create_refuses_template_syntax(tmp_path: Path) -> None:
    """cruft builds its own context and calls generate_files: the same refusal, nothing created.

    cruft clones the template, so this runs against the committed template.
    """
    marker, output = tmp_path / "pwned", tmp_path / "out"
    output.mkdir()
    extra = json.dumps({"description": ATTACK.format(marker=marker)})
    home = tmp_path / "home"
    home.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cruft",
            "create",
            "--no-input",
            "--output-dir",
            str(output),
            "--extra-context",
            extra,
            str(TEMPLATE_DIR),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=hermetic_env(home),
        check=False,
    )
    assert result.returncode != 0
    assert "ERROR: description " in result.stdout + result.stderr
    assert not marker.exists(), "the answer ran a shell command"
    assert list(output.iterdir()) == []


@pytest.fixture
def template_env(monkeypatch: pytest.MonkeyPatch) -> Environment:
    """The environment Cookiecutter builds for this template, as it builds it."""
    monkeypatch.syspath_prepend(str(TEMPLATE_DIR))
    questions = json.loads((TEMPLATE_DIR / "cookiecutter.json").read_text(encoding="utf-8"))
    return create_env_with_context({"cookiecutter": questions})


def test_environment_with_the_extension_is_a_sandbox(
    template_env: Environment, tmp_path: Path
) -> None:
    """Whatever reaches the renderer, Python's internals are out of reach."""
    marker = tmp_path / "pwned"
    assert isinstance(template_env, SandboxedEnvironment)
    with pytest.raises(SecurityError):
        template_env.from_string(ATTACK.format(marker=marker)).render()
    assert not marker.exists()
    # The template's own Jinja still works.
    assert template_env.from_string("{{ 7*7 }}-{{ 'a-b'.replace('-', '_') }}").render() == "49-a_b"


def test_sandbox_sets_what_sandboxed_environment_sets(template_env: Environment) -> None:
    """The class switch plus the copied attributes equal a real SandboxedEnvironment.

    Fails if a jinja2 release sets more in SandboxedEnvironment.__init__ than
    local_extensions.py copies.
    """
    reference = SandboxedEnvironment()
    added = set(vars(reference)) - set(vars(Environment()))
    assert added, "expected SandboxedEnvironment.__init__ to set attributes of its own"
    for name in sorted(added):
        assert getattr(template_env, name) == getattr(reference, name), name
    assert template_env.globals["range"] is safe_range
    assert template_env.sandboxed


# --- An empty, `.` or `..` slug: one line in every mode --------------------------------


@pytest.mark.parametrize("slug", ["", ".", ".."])
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_dot_or_empty_slug_is_one_line_on_the_command_line(
    tmp_path: Path, slug: str, force: bool
) -> None:
    """Before: 'directory already exists' without -f, the output folder reused with it."""
    output = tmp_path / "out"
    output.mkdir()
    (output / "keep.txt").write_text("mine\n")
    flags = ["-f"] if force else []
    result = run_cookiecutter(
        tmp_path, "--no-input", *flags, "-o", str(output), str(TEMPLATE_DIR), f"project_slug={slug}"
    )
    assert one_line(result).startswith(f"ERROR: project_slug {slug!r} is not valid")
    assert [p.name for p in output.iterdir()] == ["keep.txt"]


@pytest.mark.parametrize("slug", ["", ".", ".."])
@pytest.mark.parametrize("force", [False, True], ids=["plain", "force"])
def test_dot_or_empty_slug_is_one_line_through_the_api(
    baker: Baker, capfd: pytest.CaptureFixture[str], tmp_path: Path, slug: str, force: bool
) -> None:
    output = tmp_path / "api-out"
    output.mkdir()
    capfd.readouterr()
    with pytest.raises(FailedHookException) as error:
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            extra_context={"project_slug": slug},
            output_dir=str(output),
            overwrite_if_exists=force,
            config_file=str(baker.config),
        )
    lines = refusal_lines(error.value, capfd)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"ERROR: project_slug {slug!r} is not valid")
    assert list(output.iterdir()) == []


# --- The destination: an empty folder outside any other repository ---------------------


def git(folder: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        check=True,
        env=hermetic_env(folder.parent),
    ).stdout


def test_force_into_a_folder_with_files_changes_nothing(tmp_path: Path) -> None:
    """Before: `-f` committed the folder's files (a .env with a secret) in the first commit."""
    output = tmp_path / "out"
    project = output / "churn-model"
    project.mkdir(parents=True)
    (project / ".env").write_text("API_KEY=secret\n")
    result = run_cookiecutter(tmp_path, "--no-input", "-f", "-o", str(output), str(TEMPLATE_DIR))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"ERROR: the folder '{project}' already holds files (.env): generate into a new or "
        "empty folder, so the first commit holds only the template's files"
    ]
    assert [p.name for p in project.iterdir()] == [".env"]
    assert (project / ".env").read_text() == "API_KEY=secret\n"


def test_force_into_an_existing_repository_changes_nothing(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """Before: `-f` overwrote the README and committed on top of the user's history."""
    project = tmp_path / "out" / "churn-model"
    project.mkdir(parents=True)
    git(project, "init", "--quiet")
    (project / "README.md").write_text("# Mine\n")
    git(project, "add", "README.md")
    git(project, "commit", "--quiet", "-m", "mine")
    with pytest.raises(FailedHookException):
        cookiecutter(
            str(TEMPLATE_DIR),
            no_input=True,
            output_dir=str(project.parent),
            overwrite_if_exists=True,
            config_file=str(Baker(tmp_path / "baker").config),
        )
    err = capfd.readouterr().err.strip().splitlines()
    assert err == [
        f"ERROR: the folder '{project}' already holds files (.git, README.md): generate into "
        "a new or empty folder, so the first commit holds only the template's files"
    ]
    assert (project / "README.md").read_text() == "# Mine\n"
    assert git(project, "log", "--format=%s").splitlines() == ["mine"]
    assert git(project, "status", "--porcelain") == ""


def test_folder_inside_a_repository_is_refused_and_removed(tmp_path: Path) -> None:
    """The project gets a repository of its own; inside another one it would nest in it."""
    outer = tmp_path / "monorepo"
    outer.mkdir()
    git(outer, "init", "--quiet")
    result = run_cookiecutter(tmp_path, "--no-input", "-o", str(outer), str(TEMPLATE_DIR))
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        f"ERROR: the folder '{outer / 'churn-model'}' is inside the git repository '{outer}': "
        "generate the project outside it, since it gets a repository of its own"
    ]
    assert [p.name for p in outer.iterdir()] == [".git"]


def test_empty_folder_outside_a_repository_is_accepted(tmp_path: Path) -> None:
    folder = tmp_path / "new"
    folder.mkdir()
    pre_gen.check_destination(folder)


def test_folder_a_repository_ignores_is_accepted(tmp_path: Path) -> None:
    """Like the template's own build/demo: git-ignored, so no part of the outer repository."""
    outer = tmp_path / "repo"
    folder = outer / "build" / "demo" / "churn-model"
    folder.mkdir(parents=True)
    git(outer, "init", "--quiet")
    (outer / ".gitignore").write_text("/build/\n")
    pre_gen.check_destination(folder)
    (outer / ".gitignore").write_text("")
    with pytest.raises(pre_gen.AnswerError, match="is inside the git repository"):
        pre_gen.check_destination(folder)


# --- Names that would shadow a locked package ------------------------------------------

LOCK_DIR = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / ".locks"

# Locked distributions whose import names differ from the distribution's name in import
# form, read from `importlib.metadata.packages_distributions()` of installed projects
# (each cloud option) and, for pywin32 (Windows only), from its wheel and pywin32.pth.
# test_installed_import_names_are_refused keeps this honest for the installed ones.
DIFFERENT_IMPORT_NAMES: dict[str, set[str]] = {
    "antlr4-python3-runtime": {"antlr4"},
    "atpublic": {"public"},
    "attrs": {"attr"},
    "azure-core": {"azure"},
    "azure-identity": {"azure", "images"},
    "azure-storage-blob": {"azure"},
    "configobj": {"validate"},
    "flufl-lock": {"flufl"},
    "gitpython": {"git"},
    "google-api-core": {"google"},
    "google-auth": {"google"},
    "google-cloud-core": {"google"},
    "google-cloud-storage": {"google"},
    "google-cloud-storage-control": {"google"},
    "google-resumable-media": {"google"},
    "googleapis-common-protos": {"google"},
    "grpc-google-iam-v1": {"google"},
    "grpcio": {"grpc"},
    "grpcio-status": {"grpc_status"},
    "hydra-core": {"hydra"},
    "linkify-it-py": {"linkify_it"},
    "markdown-it-py": {"markdown_it"},
    "matplotlib": {"mpl_toolkits", "pylab"},
    "mypy": {"mypyc"},
    "omegaconf": {"pydevd_plugins"},
    "opentelemetry-api": {"opentelemetry"},
    "proto-plus": {"proto"},
    "protobuf": {"google"},
    "pyjwt": {"jwt"},
    "pytest": {"py"},
    "python-dateutil": {"dateutil"},
    "python-hcl2": {"hcl2", "cli"},
    "pytest-xdist": {"xdist"},
    "python-dotenv": {"dotenv"},
    "pywin32": {"pythoncom", "pythonwin", "pywintypes", "win32", "win32api", "win32com"},
    "pyyaml": {"yaml"},
    "pyyaml-ft": {"yaml_ft"},  # free-threaded PyYAML, locked for Python 3.13
    "rpds-py": {"rpds"},
    "ruamel-yaml": {"ruamel"},
    "scikit-learn": {"sklearn"},
    "zc-lockfile": {"zc"},
    # The docs site and the notebooks (issue 13).
    "griffelib": {"griffe"},
    "ipykernel": {"ipykernel_launcher"},
    "jupyter-core": {"jupyter"},
    "mkdocs-material": {"material"},
    "mkdocs-material-extensions": {"materialx"},
    "mkdocstrings-python": {"mkdocstrings_handlers"},
    "pymdown-extensions": {"pymdownx"},
    "pyyaml-env-tag": {"yaml_env_tag"},
    "pyzmq": {"zmq"},
}


def import_form(distribution: str) -> str:
    """A distribution's name as an import name would spell it (PEP 503, then underscores)."""
    return re.sub(r"[-_.]+", "_", distribution).lower()


def locked_distributions() -> set[str]:
    """Every distribution any stored lock installs, the project itself excepted."""
    locks = sorted(LOCK_DIR.glob("*.lock"))
    assert locks, f"expected lock files in {LOCK_DIR}: run `make locks`"
    names: set[str] = set()
    for lock in locks:
        for package in tomllib.loads(lock.read_text(encoding="utf-8"))["package"]:
            source = package.get("source", {})
            if "editable" not in source and "virtual" not in source:
                names.add(re.sub(r"[-_.]+", "-", package["name"]).lower())
    return names


def test_every_locked_distribution_is_refused_as_a_name() -> None:
    """A package named after anything locked (packaging, click, rich...) would shadow it."""
    missing = sorted(
        import_form(name)
        for name in locked_distributions()
        if import_form(name) not in pre_gen.DEPENDENCY_IMPORT_NAMES
    )
    assert not missing, (
        f"locked but accepted as a package name: {missing}; add them to "
        "DEPENDENCY_IMPORT_NAMES in hooks/pre_gen_project.py"
    )


def test_documented_import_names_are_refused() -> None:
    """attrs installs `attr`, pyyaml `yaml`, gitpython `git`...: those names are refused too."""
    locked = locked_distributions()
    stale = sorted(set(DIFFERENT_IMPORT_NAMES) - locked)
    assert not stale, f"no longer locked, remove from DIFFERENT_IMPORT_NAMES: {stale}"
    missing = sorted(
        f"{name} ({distribution})"
        for distribution, names in DIFFERENT_IMPORT_NAMES.items()
        for name in names
        if name not in pre_gen.DEPENDENCY_IMPORT_NAMES
    )
    assert not missing, f"import names accepted as a package name: {missing}"


@pytest.mark.slow
@ready("default")
def test_installed_import_names_are_refused(project: BakedProject) -> None:
    """Every top-level name an installed project can import from a locked package is refused."""
    listing = project.run(
        ".venv/bin/python",
        "-c",
        "import importlib.metadata as m, json; print(json.dumps(m.packages_distributions()))",
    ).stdout
    locked = locked_distributions()
    missing, undocumented = set(), set()
    for name, distributions in json.loads(listing).items():
        if not pre_gen.PACKAGE_PATTERN.fullmatch(name):
            continue  # `PIL`, `_yaml`: no package name could take these
        for distribution in {re.sub(r"[-_.]+", "-", d).lower() for d in distributions} & locked:
            if name not in pre_gen.DEPENDENCY_IMPORT_NAMES:
                missing.add(f"{name} ({distribution})")
            if name != import_form(distribution) and name not in DIFFERENT_IMPORT_NAMES.get(
                distribution, set()
            ):
                undocumented.add(f"{name} ({distribution})")
    assert not missing, f"installed import names accepted as a package name: {sorted(missing)}"
    assert not undocumented, f"add to DIFFERENT_IMPORT_NAMES: {sorted(undocumented)}"

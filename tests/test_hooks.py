"""Layer 1: the hooks and the answers they accept or refuse."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from cookiecutter.exceptions import FailedHookException
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import TEMPLATE_DIR, Baker, hermetic_env


def load_hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_DIR / "hooks" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")

VALID = {
    "project_name": "Churn Model",
    "project_slug": "churn-model",
    "package_name": "churn_model",
    "description": "Predicts churn.",
    "author_name": "Ada Lovelace",
    "author_email": "ada@example.com",
    "team": "data-science",
    "cost_centre": "CC-1000",
    "python_version": "3.11",
    "cloud_provider": "aws",
    "ci_provider": "github",
    "licence": "MIT",
}

INVALID = [
    ("project_slug", "import", "is a Python keyword"),
    ("project_slug", "json", "is a standard-library module"),
    ("project_slug", "Churn_Model", "project_slug 'Churn_Model' is not valid"),
    ("project_slug", "-churn", "is not valid"),
    ("package_name", "sklearn", "is the name of one of the project's dependencies"),
    ("package_name", "dvc", "is the name of one of the project's dependencies"),
    ("package_name", "test", "is reserved by the project layout"),
    ("package_name", "class", "is a Python keyword"),
    ("package_name", "match", "is a Python keyword"),
    ("package_name", "os", "is a standard-library module"),
    ("package_name", "churn-model", "package_name 'churn-model' is not valid"),
    ("package_name", "2churn", "is not valid"),
    ("package_name", "a" * 33, "expected 2-32 lower-case letters"),
    ("project_name", "2 Fast", "project_name '2 Fast' is not valid"),
    ("project_name", 'Say "hi"', "is not valid"),
    ("description", 'Has "quotes"', "description"),
    ("description", "", "description"),
    ("author_email", "ada-at-example.com", "author_email 'ada-at-example.com' is not valid"),
    ("author_email", "ada@localhost", "is not valid"),
    ("team", "Data Science", "team 'Data Science' is not valid"),
    ("cost_centre", "1000", "cost_centre '1000' is not valid: expected 2-6 upper-case letters"),
    ("cost_centre", "cc-1000", "is not valid"),
    (
        "python_version",
        "3.9",
        "python_version '3.9' is not valid: expected one of 3.11, 3.12, 3.13",
    ),
    ("cloud_provider", "ibm", "expected one of aws, gcp, azure, none"),
    ("ci_provider", "jenkins", "expected one of github, gitlab, none"),
    ("licence", "GPL-3.0", "expected one of MIT, Apache-2.0, BSD-3-Clause, proprietary"),
]


def test_the_valid_answers_pass() -> None:
    """The reference answers are accepted (so each INVALID case fails for its own reason)."""
    pre_gen.validate(VALID)


@pytest.mark.parametrize(("key", "value", "message"), INVALID)
def test_validate_names_the_bad_answer(key: str, value: str, message: str) -> None:
    """validate() refuses the answer with a message naming the key and what would be valid."""
    with pytest.raises(pre_gen.AnswerError, match=key) as error:
        pre_gen.validate({**VALID, key: value})
    assert message in str(error.value)


@pytest.mark.parametrize(("key", "value", "message"), INVALID)
def test_bad_answer_fails_generation_with_one_line(
    baker: Baker, capfd: pytest.CaptureFixture[str], key: str, value: str, message: str
) -> None:
    """Generation stops with exactly one ERROR line on stderr and leaves no directory."""
    answers = {k: v for k, v in VALID.items() if k in ("project_slug", "package_name")}
    if key in pre_gen.CHOICES:
        # Cookiecutter checks choice answers itself, before any hook runs.
        with pytest.raises(ValueError, match="provided for choice variable"):
            baker.bake(**{**answers, key: value})
        assert list((baker.root / f"bake-{baker.count}").iterdir()) == []
        return
    with pytest.raises(FailedHookException):
        baker.bake(**{**answers, key: value})
    lines = capfd.readouterr().err.strip().splitlines()
    assert len(lines) == 1, lines
    assert lines[0].startswith("ERROR: ")
    assert message in lines[0]
    assert list((baker.root / f"bake-{baker.count}").iterdir()) == []


def test_command_line_error_is_one_stderr_line(tmp_path: Path) -> None:
    """Through the real `cookiecutter` command: exit 1, one stderr line, nothing left behind."""
    output = tmp_path / "out"
    output.mkdir()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "cookiecutter",
            "--no-input",
            "-o",
            str(output),
            str(TEMPLATE_DIR),
            "package_name=sklearn",
        ],
        capture_output=True,
        text=True,
        env=hermetic_env(tmp_path),
        check=False,
    )
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "ERROR: package_name 'sklearn' is the name of one of the project's dependencies: "
        "choose another name, e.g. 'my_sklearn'"
    ]
    assert list(output.iterdir()) == []


def test_unknown_question_is_rejected_by_the_fixture(baker: Baker) -> None:
    """A misspelt answer in a test is an error, not a silently ignored key."""
    with pytest.raises(KeyError, match="projct_name"):
        baker.bake(projct_name="x")


JINJA_MARKERS = ("{{", "{%", "{#")
PROJECT_NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
) | st.from_regex(r"[A-Za-z][A-Za-z0-9 ._-]{0,30}", fullmatch=True)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(name=PROJECT_NAMES)
def test_any_project_name_generates_or_fails_cleanly(
    baker: Baker, capfd: pytest.CaptureFixture[str], name: str
) -> None:
    """Every project name either generates a valid project or fails with one line, leaving nothing."""
    capfd.readouterr()
    try:
        project = baker.bake(project_name=name)
    except Exception:
        assert list((baker.root / f"bake-{baker.count}").iterdir()) == []
        if any(marker in name for marker in JINJA_MARKERS):
            return  # Cookiecutter renders answers as Jinja and refuses them itself
        lines = capfd.readouterr().err.strip().splitlines()
        assert len(lines) == 1, lines
        assert lines[0].startswith("ERROR: ")
        return
    slug, package = project.answers["project_slug"], project.answers["package_name"]
    pre_gen.check_slug(slug)
    pre_gen.check_package_name(package)
    assert (project.path / "src" / package / "__init__.py").is_file()
    assert f'name = "{slug}"' in project.read("pyproject.toml")


@pytest.mark.parametrize(
    ("ci", "absent", "present"),
    [
        ("github", [".gitlab-ci.yml"], [".github"]),
        ("gitlab", [".github"], [".gitlab-ci.yml"]),
        ("none", [".github", ".gitlab-ci.yml"], []),
    ],
)
def test_paths_to_remove_follow_the_ci_choice(
    ci: str, absent: list[str], present: list[str]
) -> None:
    """post_gen removes exactly the files of the CI providers not chosen, and the licence stash."""
    removed = post_gen.paths_to_remove({"ci_provider": ci})
    assert set(absent) <= set(removed)
    assert not set(present) & set(removed)
    assert post_gen.LICENCE_DIR in removed


def test_init_git_without_identity_explains(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a git identity the repository is still created, and the note says how to commit."""
    for key in [k for k in os.environ if k.startswith("GIT_") or k == "EMAIL"]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "no-gitconfig"))
    project = tmp_path / "p"
    project.mkdir()
    (project / "README.md").write_text("x\n")
    identity = subprocess.run(
        ["git", "var", "GIT_AUTHOR_IDENT"], cwd=project, capture_output=True, check=False
    )
    note = post_gen.init_git(project)
    assert (project / ".git").is_dir()
    if identity.returncode == 0:  # git guessed an identity from the host name: it commits
        assert note == "Created a git repository with an initial commit."
    else:
        assert "git is not configured" in note
        assert "git commit" in note


@pytest.mark.parametrize("character", sorted(pre_gen.PROJECT_NAME_PUNCTUATION))
def test_accepted_punctuation_is_listed_in_the_error(character: str) -> None:
    """Each punctuation mark the hook accepts passes, and the refusal message lists it."""
    pre_gen.check_project_name(f"A{character}b")
    with pytest.raises(pre_gen.AnswerError) as error:
        pre_gen.check_project_name("A!b")
    listed = str(error.value).split("using", 1)[1]
    assert character.strip() in listed


@pytest.mark.parametrize("character", ["!", '"', "/", "\\", "{", "}", "`", "$", ";"])
def test_other_punctuation_is_refused(character: str) -> None:
    """Punctuation outside the documented list is refused."""
    with pytest.raises(pre_gen.AnswerError, match="project_name"):
        pre_gen.check_project_name(f"A{character}b")

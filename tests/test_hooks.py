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

from tests.conftest import QUESTIONS, TEMPLATE_DIR, Baker, choices, hermetic_env
from tests.test_structure import COMBINATIONS, OPTION_FILES, STASHES, combination_id


def load_hook(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, TEMPLATE_DIR / "hooks" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


pre_gen = load_hook("pre_gen_project")
post_gen = load_hook("post_gen_project")

# The choice questions of cookiecutter.json: the hook's CHOICES must list the same.
CHOICE_KEYS = [
    key for key, value in QUESTIONS.items() if isinstance(value, list) and not key.startswith("_")
]
# cookiecutter.json's defaults, its derived names as they render for the default
# project name, and the first answer of each choice.
VALID = {
    **{
        key: value
        for key, value in QUESTIONS.items()
        if isinstance(value, str) and not key.startswith("_") and "{{" not in value
    },
    "project_slug": "churn-model",
    "package_name": "churn_model",
    **{key: choices(key)[0] for key in CHOICE_KEYS},
}

INVALID = [
    ("project_slug", "import", "is a Python keyword"),
    ("project_slug", "json", "is a standard-library module"),
    ("project_slug", "Churn_Model", "project_slug 'Churn_Model' is not valid"),
    ("project_slug", "-churn", "is not valid"),
    ("package_name", "sklearn", "is the name of one of the project's dependencies"),
    ("package_name", "dvc", "is the name of one of the project's dependencies"),
    # Locked only as dependencies of dependencies: the project's CLI imports them too.
    ("package_name", "packaging", "is the name of one of the project's dependencies"),
    ("package_name", "click", "is the name of one of the project's dependencies"),
    ("package_name", "rich", "is the name of one of the project's dependencies"),
    ("package_name", "tomlkit", "is the name of one of the project's dependencies"),
    ("package_name", "attr", "is the name of one of the project's dependencies"),
    ("package_name", "dateutil", "is the name of one of the project's dependencies"),
    ("project_slug", "python-dateutil", "is the name of one of the project's dependencies"),
    ("project_slug", "con", "is a device name Windows reserves"),
    ("package_name", "lpt1", "is a device name Windows reserves"),
    ("project_slug", "", "project_slug '' is not valid"),
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
    # Any answer outside a choice question's choices, which the message lists.
    *(
        (key, "other", f"{key} 'other' is not valid: expected one of {', '.join(choices(key))}")
        for key in CHOICE_KEYS
    ),
]


def test_the_hook_offers_the_choices_of_cookiecutter_json() -> None:
    """The hook's CHOICES and cookiecutter.json's choice questions list the same answers."""
    for key in CHOICE_KEYS:
        assert key in pre_gen.CHOICES, (
            f"{key} is a choice question in cookiecutter.json but not in CHOICES "
            "in hooks/pre_gen_project.py"
        )
        hook = pre_gen.CHOICES[key]
        only_json = [choice for choice in choices(key) if choice not in hook]
        only_hook = [choice for choice in hook if choice not in choices(key)]
        assert not only_json, (
            f"{key} choices {only_json} are in cookiecutter.json but not in CHOICES "
            "in hooks/pre_gen_project.py"
        )
        assert not only_hook, (
            f"{key} choices {only_hook} are in CHOICES in hooks/pre_gen_project.py "
            "but not in cookiecutter.json"
        )
        assert list(hook) == choices(key), f"{key}: list the choices in cookiecutter.json's order"
    extra = sorted(set(pre_gen.CHOICES) - set(CHOICE_KEYS))
    assert not extra, (
        f"CHOICES in hooks/pre_gen_project.py has {extra}, which cookiecutter.json does not ask"
    )


def test_the_hook_checks_every_question() -> None:
    """Each question of cookiecutter.json is checked by the hook: a rule or a choice."""
    questions = {key for key in QUESTIONS if not key.startswith("_")}
    unchecked = sorted(questions - set(pre_gen.CHECKS) - set(pre_gen.CHOICES))
    assert not unchecked, f"no check in hooks/pre_gen_project.py for {unchecked}"
    unknown = sorted(set(pre_gen.CHECKS) - questions)
    assert not unknown, (
        f"hooks/pre_gen_project.py checks {unknown}, no question of cookiecutter.json"
    )


def test_the_valid_answers_pass() -> None:
    """The reference answers are accepted (so each INVALID case fails for its own reason)."""
    pre_gen.validate(VALID)


@pytest.mark.parametrize(("key", "value", "message"), INVALID)
def test_validate_names_the_bad_answer(key: str, value: str, message: str) -> None:
    """validate() refuses the answer with a message naming the key and what would be valid."""
    with pytest.raises(pre_gen.AnswerError, match=key) as error:
        pre_gen.validate({**VALID, key: value})
    assert message in str(error.value)


def refusal_lines(error: BaseException, capfd: pytest.CaptureFixture[str]) -> list[str]:
    """Everything a Python caller is told: the exception's text and what went to stderr/stdout."""
    captured = capfd.readouterr()
    return [*str(error).splitlines(), *captured.err.splitlines(), *captured.out.splitlines()]


@pytest.mark.parametrize(("key", "value", "message"), INVALID)
def test_bad_answer_fails_generation_with_one_line(
    baker: Baker, capfd: pytest.CaptureFixture[str], key: str, value: str, message: str
) -> None:
    """Generation stops with exactly one ERROR line and creates nothing.

    local_extensions.py checks the final answers with the hook's rules before
    Cookiecutter creates the project folder, so the line is the exception's text.
    """
    answers = {k: v for k, v in VALID.items() if k in ("project_slug", "package_name")}
    capfd.readouterr()
    if key in pre_gen.CHOICES:
        # Cookiecutter checks choice answers itself, before any template code runs.
        with pytest.raises(ValueError, match="provided for choice variable"):
            baker.bake(**{**answers, key: value})
        assert list((baker.root / f"bake-{baker.count}").iterdir()) == []
        return
    with pytest.raises(FailedHookException) as error:
        baker.bake(**{**answers, key: value})
    lines = refusal_lines(error.value, capfd)
    assert len(lines) == 1, lines
    assert lines[0].startswith("ERROR: ")
    assert message in lines[0]
    assert list((baker.root / f"bake-{baker.count}").iterdir()) == []


def run_cookiecutter(
    tmp_path: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    """The real `cookiecutter` command, run from an unrelated folder with a throwaway home."""
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    return subprocess.run(
        [sys.executable, "-m", "cookiecutter", *args],
        cwd=tmp_path,
        input=stdin,
        capture_output=True,
        text=True,
        env=hermetic_env(home),
        check=False,
    )


def test_command_line_error_is_one_line(tmp_path: Path) -> None:
    """Through the real `cookiecutter` command: exit 1, one line in all, nothing left behind."""
    output = tmp_path / "out"
    output.mkdir()
    result = run_cookiecutter(
        tmp_path, "--no-input", "-o", str(output), str(TEMPLATE_DIR), "package_name=sklearn"
    )
    assert result.returncode == 1
    assert (result.stdout + result.stderr).strip().splitlines() == [
        "ERROR: package_name 'sklearn' is the name of one of the project's dependencies: "
        "choose another name, e.g. 'my_sklearn'"
    ]
    assert list(output.iterdir()) == []


@pytest.mark.parametrize("key", sorted(pre_gen.CHECKS))
def test_answer_ending_in_a_line_break_fails_generation(
    baker: Baker, capfd: pytest.CaptureFixture[str], key: str
) -> None:
    """`$` matches before a final newline; the checks match whole answers, so none gets through."""
    capfd.readouterr()
    with pytest.raises(FailedHookException) as error:
        baker.bake(**{key: VALID[key] + "\n"})
    lines = refusal_lines(error.value, capfd)
    assert len(lines) == 1, lines
    assert lines[0].startswith(f"ERROR: {key} ")
    assert list((baker.root / f"bake-{baker.count}").iterdir()) == []


def test_unknown_question_is_rejected_by_the_fixture(baker: Baker) -> None:
    """A misspelt answer in a test is an error, not a silently ignored key."""
    with pytest.raises(KeyError, match="projct_name"):
        baker.bake(projct_name="x")


VALID_NAMES = st.from_regex(r"[A-Za-z][A-Za-z0-9 ._-]{0,30}", fullmatch=True)
TEMPLATE_SYNTAX = st.sampled_from(
    ["{{ 7*7 }}", "{% if true %}x{% endif %}", "{# note #}", "{{ cookiecutter.team }}"]
)
PROJECT_NAMES = (
    st.text(
        alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=0, max_size=40
    )
    | VALID_NAMES
    # A line break at the end, where `$` would still match.
    | VALID_NAMES.map(lambda name: name + "\n")
    # Template syntax, which Cookiecutter would render before any hook ran.
    | st.tuples(VALID_NAMES, TEMPLATE_SYNTAX).map("".join)
)


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
    except Exception as error:
        assert list((baker.root / f"bake-{baker.count}").iterdir()) == []
        lines = refusal_lines(error, capfd)
        assert len(lines) == 1, lines
        assert lines[0].startswith("ERROR: ")
        return
    slug, package = project.answers["project_slug"], project.answers["package_name"]
    pre_gen.check_slug(slug)
    pre_gen.check_package_name(package)
    assert (project.path / "src" / package / "__init__.py").is_file()
    assert f'name = "{slug}"' in project.read("pyproject.toml")


@given(
    key=st.sampled_from(sorted(pre_gen.CHECKS)),
    ending=st.sampled_from(["\n", "\r\n", "\n\n", "\r"]),
)
def test_no_checked_answer_may_end_in_a_line_break(key: str, ending: str) -> None:
    """Each check matches the whole answer: a valid answer plus a line break is refused."""
    with pytest.raises(pre_gen.AnswerError, match=f"^{key} "):
        pre_gen.validate({**VALID, key: VALID[key] + ending})


@given(
    slug=st.from_regex(pre_gen.SLUG_PATTERN, fullmatch=True).filter(lambda s: 2 <= len(s) <= 30),
    ending=st.sampled_from(["\n", "\r\n"]),
)
def test_no_slug_or_package_name_may_end_in_a_line_break(slug: str, ending: str) -> None:
    """Whatever the name (of a valid length), a trailing line break makes it invalid."""
    with pytest.raises(pre_gen.AnswerError, match="is not valid"):
        pre_gen.check_slug(slug + ending)
    with pytest.raises(pre_gen.AnswerError, match="is not valid"):
        pre_gen.check_package_name(slug.replace("-", "_") + ending)


@pytest.mark.parametrize("name", sorted(pre_gen.WINDOWS_RESERVED_NAMES))
def test_windows_device_names_are_refused_as_folder_names(name: str) -> None:
    """Windows cannot create a folder named con, aux, nul, com1, lpt1...: slug nor package."""
    with pytest.raises(pre_gen.AnswerError, match="Windows"):
        pre_gen.check_slug(name)
    with pytest.raises(pre_gen.AnswerError, match="Windows"):
        pre_gen.check_package_name(name)


@pytest.mark.parametrize("answers", COMBINATIONS, ids=combination_id)
def test_paths_to_remove_follow_the_choices(answers: dict[str, str]) -> None:
    """post_gen removes exactly the files of the choices not made, and the stashes."""
    removed = set(post_gen.paths_to_remove(answers))
    unchosen = {
        path
        for key, table in OPTION_FILES.items()
        for choice, paths in table.items()
        if choice != answers[key]
        for path in paths
    }
    assert removed == unchosen | set(STASHES)
    assert {post_gen.LICENCE_DIR, post_gen.LOCK_DIR, post_gen.GOLDEN_EXAMPLES} == set(STASHES)


def test_every_example_ships_its_golden_files() -> None:
    """The template holds each example's goldens, and only those of a choice it offers."""
    stash = TEMPLATE_DIR / "{{cookiecutter.project_slug}}" / post_gen.GOLDEN_EXAMPLES
    assert sorted(path.name for path in stash.iterdir()) == sorted(choices("example"))
    for example in choices("example"):
        found = sorted(path.name for path in (stash / example).iterdir())
        assert found == sorted(post_gen.GOLDEN_FILES), f"{example}: {found}"


@pytest.mark.parametrize("example", choices("example"))
def test_place_goldens_copies_the_chosen_example(tmp_path: Path, example: str) -> None:
    """The chosen example's golden files land in tests/golden/, byte for byte."""
    for name in choices("example"):
        folder = tmp_path / post_gen.GOLDEN_EXAMPLES / name
        folder.mkdir(parents=True)
        for file in post_gen.GOLDEN_FILES:
            (folder / file).write_text(f"{name} {file}\n", encoding="utf-8")
    post_gen.place_goldens(tmp_path, example)
    for file in post_gen.GOLDEN_FILES:
        placed = tmp_path / post_gen.GOLDEN_DIR / file
        assert placed.read_text(encoding="utf-8") == f"{example} {file}\n"


def test_place_goldens_names_missing_files(tmp_path: Path) -> None:
    """An example without its goldens stops the hook with what is missing and how to make it."""
    folder = tmp_path / post_gen.GOLDEN_EXAMPLES / "wine"
    folder.mkdir(parents=True)
    (folder / "metrics.json").write_text("{}\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"example=wine .* missing inputs\.csv, predictions\.json"):
        post_gen.place_goldens(tmp_path, "wine")
    assert not (tmp_path / post_gen.GOLDEN_DIR / "metrics.json").exists()


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

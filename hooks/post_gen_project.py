"""Shape the freshly rendered project to the answers, then make it a git repository.

Cookiecutter renders every file of the template; this hook removes what belongs
to options that were not chosen (one table, ``paths_to_remove``, says which), puts
the chosen licence, lock file and example's golden files in place and runs ``git init``
with an initial commit, so the project is "production-ready from its first commit".
Under cruft, that first commit also holds the ``.cruft.json`` cruft is about to write
(see ``cruft_state``). Standard library only.
"""

from __future__ import annotations

import bisect
import json
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

LICENCE_DIR = ".licences"
# One uv.lock per Python version and cloud option, made by the template's `make locks`
# for a project of this name (the same constant is in scripts/make_locks.py).
LOCK_DIR = ".locks"
LOCK_SENTINEL = "locked-project"
PACKAGE_HEADER = "\n[[package]]\n"
# The golden files of each example dataset (tests/golden/examples/<example>/), made by
# `make golden-update` in a project generated with that example; the chosen one's go to
# tests/golden/, where the golden tests and golden-update read and write them.
GOLDEN_DIR = "tests/golden"
GOLDEN_EXAMPLES = f"{GOLDEN_DIR}/examples"
GOLDEN_FILES = ("metrics.json", "inputs.csv", "predictions.json")
# The clouds with Terraform under infra/terraform/<cloud>/.
CLOUDS = ("aws", "gcp", "azure")


def paths_to_remove(answers: Mapping[str, str]) -> list[str]:
    """Relative paths that belong to options the answers did not choose."""
    remove: list[str] = [LICENCE_DIR, LOCK_DIR, GOLDEN_EXAMPLES]
    if answers["ci_provider"] != "github":
        remove.append(".github")
    if answers["ci_provider"] != "gitlab":
        remove.extend([".gitlab-ci.yml", ".gitlab", "renovate.json"])
    # The chosen cloud's Terraform only; none: only the Kubernetes part of infra/.
    remove += [f"infra/terraform/{cloud}" for cloud in CLOUDS if cloud != answers["cloud_provider"]]
    return remove


def place_licence(project: Path, licence: str) -> None:
    source = project / LICENCE_DIR / f"{licence}.txt"
    shutil.copyfile(source, project / "LICENSE")


def rename_locked_project(lock: str, slug: str) -> str:
    """The lock made for the sentinel project, as uv writes it for ``slug``.

    uv sorts ``[[package]]`` tables by name, so the project's own table moves to
    where its real name sorts; every other table is left byte for byte.
    """
    head, *tables = (part.rstrip("\n") for part in lock.split(PACKAGE_HEADER))
    own = f'name = "{LOCK_SENTINEL}"\n'
    matches = [table for table in tables if table.startswith(own)]
    if len(matches) != 1:
        raise ValueError(
            f"expected one [[package]] named {LOCK_SENTINEL!r} in the stored lock, "
            f"found {len(matches)}: regenerate the locks with the template's `make locks`"
        )
    tables.remove(matches[0])
    renamed = f'name = "{slug}"\n' + matches[0][len(own) :]
    names = [table.split('"', 2)[1] for table in tables]
    tables.insert(bisect.bisect_left(names, slug), renamed)
    return head + "".join("\n" + PACKAGE_HEADER + table for table in tables) + "\n"


def place_lock(project: Path, answers: Mapping[str, str]) -> None:
    source = project / LOCK_DIR / f"py{answers['python_version']}-{answers['cloud_provider']}.lock"
    if not source.is_file():
        raise ValueError(
            f"expected a stored lock {LOCK_DIR}/{source.name} for python_version="
            f"{answers['python_version']} and cloud_provider={answers['cloud_provider']}, "
            "found none: run the template's `make locks`"
        )
    lock = rename_locked_project(source.read_text(encoding="utf-8"), answers["project_slug"])
    (project / "uv.lock").write_text(lock, encoding="utf-8")


def place_goldens(project: Path, example: str) -> None:
    """Copy the chosen example's golden files to tests/golden/ (prune removes the rest)."""
    source = project / GOLDEN_EXAMPLES / example
    missing = [name for name in GOLDEN_FILES if not (source / name).is_file()]
    if missing:
        raise ValueError(
            f"expected the golden files of example={example} in {GOLDEN_EXAMPLES}/{example}/, "
            f"missing {', '.join(missing)}: generate a project with that example, run its "
            "`make golden-update` and copy its tests/golden/ files there"
        )
    for name in GOLDEN_FILES:
        shutil.copyfile(source / name, project / GOLDEN_DIR / name)


def prune(project: Path, answers: Mapping[str, str]) -> None:
    for relative in paths_to_remove(answers):
        path = project / relative
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    terraform = project / "infra" / "terraform"
    if terraform.is_dir() and not any(terraform.iterdir()):
        terraform.rmdir()  # cloud_provider=none: no Terraform at all


# cruft writes .cruft.json after cookiecutter's generation, so after this hook's initial
# commit: the project was born with an untracked file and the user's first `cruft update`
# refused ("Cruft cannot apply updates on an unclean git project") until they committed it
# by hand. When cruft drives the generation (`cruft create`, and cruft's regenerations for
# `cruft update`/`cruft diff`) it adds `_template` and `_commit` to the answers, so the hook
# can write the very bytes cruft will write (its fields, key order and json_dumps format,
# cruft 2.x cruft/_commands/utils/cruft.py) and commit them: cruft's later write changes
# nothing and the tree is clean. Chosen over a `make setup` that commits for the user (a
# commit the user did not ask for) and over a documented manual commit (the step people
# skip). The hook cannot see `cruft create --checkout/--directory/--skip`: with those the
# two writes differ and the user commits .cruft.json once (docs/updating.md says so).
CRUFT_FILE = ".cruft.json"


def cruft_state(answers: Mapping[str, object]) -> str | None:
    """The .cruft.json cruft writes after generating with these answers; None outside cruft."""
    if "_commit" not in answers or "_template" not in answers:
        return None
    state = {
        "template": answers["_template"],
        "commit": answers["_commit"],
        "checkout": None,
        "context": {"cookiecutter": dict(answers)},
        "directory": None,
    }
    return json.dumps(state, ensure_ascii=False, indent=2, separators=(",", ": ")) + "\n"


def _git(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["git", *args], cwd=project, capture_output=True, text=True, check=False)


def init_git(project: Path) -> str:
    """Create the repository and its first commit; return a note for the user."""
    if shutil.which("git") is None:
        return "NOTE: git was not found; run 'git init' yourself before 'make setup'."
    init = _git(project, "init", "--quiet", "--initial-branch=main")
    if init.returncode != 0:
        return f"NOTE: 'git init' failed ({init.stderr.strip()}); run it yourself."
    _git(project, "add", "--all")
    commit = _git(
        project,
        "commit",
        "--quiet",
        "--no-verify",
        "-m",
        "Initial commit from the ML project template",
    )
    if commit.returncode != 0:
        return (
            "NOTE: git is not configured (no user.name/user.email), so the initial commit "
            "was not made; configure git and run: git commit -m 'Initial commit'"
        )
    return "Created a git repository with an initial commit."


def main(answers: Mapping[str, str], project: Path) -> int:
    place_licence(project, answers["licence"])
    try:
        place_lock(project, answers)
        place_goldens(project, answers["example"])
    except ValueError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    prune(project, answers)
    state = cruft_state(answers)
    if state is not None:
        (project / CRUFT_FILE).write_text(state, encoding="utf-8")
    print(init_git(project))
    return 0


if __name__ == "__main__":
    # The answers in the order cookiecutter holds them (the jsonify filter sorts keys, and
    # .cruft.json keeps cookiecutter's order): mappings and lists are spelled out by a
    # macro, each scalar by jsonify.
    ANSWERS = json.loads(
        r"""
{%- macro ordered(value) -%}
{%- if value is mapping -%}
{ {%- for key, item in value.items() -%}
{{ key | jsonify }}: {{ ordered(item) }}{{ ", " if not loop.last }}
{%- endfor -%} }
{%- elif value is iterable and value is not string -%}
[ {%- for item in value -%}
{{ ordered(item) }}{{ ", " if not loop.last }}
{%- endfor -%} ]
{%- else -%}
{{ value | jsonify }}
{%- endif -%}
{%- endmacro %}
{{ ordered(cookiecutter) }}
"""
    )
    sys.exit(main(ANSWERS, Path.cwd()))

"""A project made with cruft takes a newer template's change as docs/updating.md says.

The path is walked as a user walks it, with no git host: the template is copied to a
temporary local git repository, `cruft create --no-input` generates from it, a change
is committed to the template, `cruft check` reports the project stale, `cruft update -y`
applies the change, and the updated project still sets up and passes its checks.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import TEMPLATE_DIR, BakedProject, Baker, hermetic_env

pytestmark = [pytest.mark.slow, pytest.mark.xdist_group("cruft-update")]

CRUFT = Path(sys.executable).with_name("cruft")
SLUG = "churn-model"
README_LINE = "A line the template added after this project was generated."
MAKE_TARGET = (
    "\n.PHONY: template-news\n"
    "template-news: ## Say what the newer template added (a change cruft update brings)\n"
    "\t@echo 'news from the template'\n"
)


def run(
    command: list[str], cwd: Path, env: dict[str, str], timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 0, (
        f"{' '.join(result.args)} exited {result.returncode}\n"
        f"--- stdout ---\n{result.stdout[-4000:]}\n--- stderr ---\n{result.stderr[-4000:]}"
    )
    return result.stdout


def copy_template(destination: Path, env: dict[str, str]) -> None:
    """The template's working tree (what git would track) as a fresh local repository."""
    listed = ok(
        run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            TEMPLATE_DIR,
            env,
        )
    )
    for relative in filter(None, listed.split("\0")):
        source = TEMPLATE_DIR / relative
        if source.is_file():  # a file deleted in the working tree but not yet in git
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    ok(run(["git", "init", "--quiet", "--initial-branch=main"], destination, env))
    ok(run(["git", "add", "--all"], destination, env))
    ok(run(["git", "commit", "--quiet", "-m", "The template as tested"], destination, env))


def dirty(project: Path, env: dict[str, str]) -> list[str]:
    return ok(run(["git", "status", "--porcelain"], project, env)).splitlines()


def test_a_cruft_project_takes_a_template_change_and_still_passes(tmp_path: Path) -> None:
    """`cruft check` fails on a stale project, `cruft update` brings the change, checks pass.

    Cost, measured on 2 busy cores: 160 s in all (about 30 s of cruft and git, 60 s of
    `make setup`, 45 s of `make lint`). The full `make check` of a freshly generated
    project is run by tests/test_generated_project.py (ten minutes here), so this test
    runs once what the update can break: the change touches the README and the Makefile,
    so `make setup` (the Makefile and the committed lock still install), `make lint`
    (ruff, formatting, file hygiene, secret scanning, which must not take .cruft.json's
    commit hash for a secret, and the data guard, over every file) and the new target.
    """
    if not CRUFT.is_file():
        pytest.fail(f"expected cruft beside the running Python at {CRUFT}: run `make .venv`")
    env = hermetic_env(tmp_path / "home")
    template = tmp_path / "template"
    copy_template(template, env)
    out = tmp_path / "out"

    ok(
        run(
            [str(CRUFT), "create", "--no-input", "--output-dir", str(out), str(template)],
            tmp_path,
            env,
        )
    )
    project = out / SLUG
    state = json.loads((project / ".cruft.json").read_text(encoding="utf-8"))
    assert state["template"] == str(template)
    # The bug this guards: cruft wrote .cruft.json after the hook's initial commit, so
    # the tree was unclean and the first `cruft update` refused until a manual commit.
    assert dirty(project, env) == [], "cruft create left the new project's tree unclean"
    assert ok(run([str(CRUFT), "check"], project, env)).strip().startswith("SUCCESS")

    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text(encoding="utf-8") + f"\n{README_LINE}\n", encoding="utf-8")
    makefile = template / "{{cookiecutter.project_slug}}" / "Makefile"
    makefile.write_text(makefile.read_text(encoding="utf-8") + MAKE_TARGET, encoding="utf-8")
    ok(run(["git", "commit", "--quiet", "--all", "-m", "A newer template"], template, env))

    stale = run([str(CRUFT), "check"], project, env)
    assert stale.returncode != 0, f"cruft check passed a stale project:\n{stale.stdout}"
    assert "out of date" in stale.stdout, stale.stdout

    ok(run([str(CRUFT), "update", "--skip-apply-ask"], project, env))
    assert README_LINE in (project / "README.md").read_text(encoding="utf-8")
    assert "template-news:" in (project / "Makefile").read_text(encoding="utf-8")
    changed = sorted(line[3:] for line in dirty(project, env))
    assert changed == [".cruft.json", "Makefile", "README.md"], changed
    ok(run(["git", "commit", "--all", "-m", "Update from the template"], project, env))
    assert ok(run([str(CRUFT), "check"], project, env)).strip().startswith("SUCCESS")
    # Nothing changed by hand: the project is exactly the newer template's output.
    ok(run([str(CRUFT), "diff", "--exit-code"], project, env))

    ok(run(["make", "setup"], project, env, timeout=900))
    ok(run(["make", "lint"], project, env, timeout=900))
    assert "news from the template" in ok(run(["make", "template-news"], project, env))
    assert dirty(project, env) == [], "make setup or make lint changed the updated project"


REACH_STEP = "Is the template reachable?"
# Stand-ins on PATH for the GitLab job's installer and cruft: they say they ran, offline.
FAKE_TOOL = '#!/bin/sh\necho "ran: $(basename "$0") $*"\n'


def gate(
    provider: str, script: str, template: str | None, tmp_path: Path, env: dict[str, str]
) -> tuple[bool, str]:
    """Whether the CI gate lets `cruft check` run for a .cruft.json naming `template`
    (None: no .cruft.json), and what it printed."""
    workdir = tmp_path / f"ci-{len(list(tmp_path.iterdir()))}"
    workdir.mkdir()
    if template is not None:
        (workdir / ".cruft.json").write_text(json.dumps({"template": template}), encoding="utf-8")
    fakes = workdir / "fakes"
    fakes.mkdir()
    for name in ("python", "cruft"):
        (fakes / name).write_text(FAKE_TOOL, encoding="utf-8")
        (fakes / name).chmod(0o755)
    output = workdir / "github-output"
    result = ok(
        run(
            ["bash", "-eo", "pipefail", "-c", script],
            workdir,
            {
                **env,
                "PATH": f"{fakes}:{env['PATH']}",
                "GITHUB_OUTPUT": str(output),
                "GIT_TERMINAL_PROMPT": "0",
            },
            timeout=60,
        )
    )
    if provider == "github":
        decided = output.read_text(encoding="utf-8").strip()
        assert decided in ("reachable=true", "reachable=false"), decided
        return decided == "reachable=true", result
    ran = "ran: cruft check" in result
    assert ran == ("ran: python -m pip install" in result), result
    return ran, result


def gate_script(provider: str, project: BakedProject) -> str:
    """The shell the generated CI runs to decide (GitHub) or to decide and check (GitLab)."""
    if provider == "github":
        workflow = yaml.safe_load(project.read(".github/workflows/ci.yml"))
        steps = {step.get("name"): step for step in workflow["jobs"]["template"]["steps"]}
        # The check itself runs only behind the gate.
        assert steps["cruft check"]["if"] == "steps.reach.outputs.reachable == 'true'"
        return str(steps[REACH_STEP]["run"])
    job = yaml.safe_load(project.read(".gitlab-ci.yml"))["template"]
    assert job["allow_failure"] is True
    return "\n".join(job["script"])


@pytest.mark.parametrize("provider", ["github", "gitlab"])
def test_ci_runs_cruft_check_only_where_the_template_is_reachable(
    tmp_path: Path, baker: Baker, provider: str
) -> None:
    """The generated CI's gate: skipped without .cruft.json, for a local path and for an
    unreachable URL, each saying why; `cruft check` runs for a repository git can reach."""
    script = gate_script(provider, baker.bake(ci_provider=provider))
    env = hermetic_env(tmp_path / "home")
    reachable = tmp_path / "reachable-template"
    reachable.mkdir()
    ok(run(["git", "init", "--quiet"], reachable, env))
    ok(run(["git", "commit", "--quiet", "--allow-empty", "-m", "a commit"], reachable, env))
    cases = {
        None: "not made with cruft",
        str(reachable): "local path",
        "./template": "local path",
        "https://127.0.0.1:9/no-such/template.git": "not reachable",
    }
    for template, reason in cases.items():
        ran, said = gate(provider, script, template, tmp_path, env)
        assert not ran, f"{provider}, template {template}: cruft check ran\n{said}"
        assert reason in said, f"{provider}, template {template}: expected {reason!r} in {said!r}"
    ran, said = gate(provider, script, f"file://{reachable}", tmp_path, env)
    assert ran, f"{provider}: a reachable template was skipped\n{said}"

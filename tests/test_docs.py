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

from tests.conftest import TEMPLATE_DIR, BakedProject, Baker

FENCE = re.compile(r"```bash\n(.*?)```", re.DOTALL)

TESTED_COMMANDS = {
    "make demo": "tests/test_fresh_machine.py::test_make_demo_then_commit_through_the_hooks",
    "make test": ".ci/run (CI runs the template's tests with it)",
    "make test PYTEST_ARGS=tests/test_hooks.py": (
        "tests/test_template_docs.py::test_one_layer_command_runs_only_that_layer"
    ),
    "cruft create --no-input path/to/this/template": "tests/test_docs.py::test_cruft_round_trip",
    "cruft check": "tests/test_docs.py::test_cruft_round_trip",
    "cruft diff --exit-code": "tests/test_docs.py::test_cruft_round_trip",
    "cruft update --skip-apply-ask": "tests/test_cruft_update.py",
    "make setup": "tests/test_cruft_update.py (in the updated project)",
    "make lint": "tests/test_cruft_update.py (in the updated project)",
    'git commit --all -m "Update from the template"': "tests/test_cruft_update.py",
    "make docs": "tests/test_template_site.py (its site fixture runs it)",
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


# The generated project's docs: each fenced bash block, by (doc, heading above it),
# and the test that runs its commands. A new block fails the check below until a test
# runs it and is named here.
GENERATED_BLOCKS = {
    ("README.md", "Start here"): "conftest.project (make setup), "
    "tests/test_generated_project.py::test_make_check_passes",
    (
        "README.md",
        "Pipeline",
    ): "tests/test_generated_pipeline.py::test_readme_pipeline_commands_run",
    (
        "README.md",
        "Discarding an experiment",
    ): "tests/test_docs.py::test_readme_discards_an_experiment",
    ("docs/adding-a-dataset.md", "*"): "tests/test_adding_a_dataset.py",
    ("docs/adding-a-transformer.md", "*"): "tests/test_adding_a_transformer.py",
    ("docs/model-lifecycle.md", "*"): "tests/test_model_lifecycle.py::"
    "test_the_model_lifecycle_runbook_runs",
    ("docs/deploy.md", "*"): "tests/test_model_lifecycle.py::test_the_deploy_doc_check_runs",
    ("docs/cost.md", "*"): "tests/test_infra.py::test_the_cost_doc_command_runs",
    ("docs/onboarding.md", "*"): "tests/test_docs_site.py::"
    "test_onboarding_then_runbooks_in_a_fresh_clone",
    ("docs/runbooks.md", "*"): "tests/test_docs_site.py::"
    "test_onboarding_then_runbooks_in_a_fresh_clone",
    ("docs/privacy.md", "*"): "tests/test_privacy.py::test_the_privacy_doc_commands_run",
    ("docs/monitoring.md", "*"): "tests/test_monitoring.py::"
    "test_the_monitoring_doc_runs_and_a_drifted_batch_alerts",
}
HEADING = re.compile(r"^#+ (.+)$", re.MULTILINE)


def generated_bash_blocks(project: BakedProject) -> list[tuple[str, str, str]]:
    """(doc, heading above the block, block) for every bash block of the generated docs."""
    found = []
    docs = ["README.md", *sorted(f"docs/{p.name}" for p in (project.path / "docs").glob("*.md"))]
    for doc in docs:
        text = project.read(doc)
        for match in re.finditer(r"```bash\n(.*?)```", text, re.DOTALL):
            headings = HEADING.findall(text[: match.start()])
            found.append((doc, headings[-1] if headings else "", match.group(1)))
    return found


def test_every_generated_doc_command_is_run_by_a_test(baker: Baker) -> None:
    """README.md and docs/*.md of a generated project: each bash block has its test."""
    project = baker.bake()
    blocks = generated_bash_blocks(project)
    assert len(blocks) >= len(GENERATED_BLOCKS)
    for doc, heading, block in blocks:
        assert (doc, heading) in GENERATED_BLOCKS or (doc, "*") in GENERATED_BLOCKS, (
            f"{doc}, section {heading!r}: commands shown but no test runs them:\n{block}"
        )
    readme_sections = [heading for doc, heading, _ in blocks if doc == "README.md"]
    assert len(readme_sections) == len(set(readme_sections)), (
        "the README tests run one bash block per section; found two in one section"
    )
    assert {doc for doc, _ in GENERATED_BLOCKS} == {doc for doc, _, _ in blocks}


def section_commands(project: BakedProject, heading: str) -> list[str]:
    readme = project.read("README.md")
    section = readme.split(f"{heading}\n", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    return [c for c in (line.split("#", 1)[0].strip() for line in block.splitlines()) if c]


@pytest.mark.slow
def test_readme_discards_an_experiment(baker: Baker) -> None:
    """After `dvc exp run`, the README's discard commands restore the last commit's state."""
    project = baker.bake()
    project.run("make", "setup")
    project.run("make", "pipeline")
    project.run("git", "add", "dvc.lock", "reports/metrics.json")
    project.run("git", "commit", "-m", "Pipeline results")
    committed = {name: project.read(name) for name in ("params.yaml", "dvc.lock")}
    model = (project.path / "models" / "model.joblib").read_bytes()

    experiment = next(c for c in section_commands(project, "## Pipeline") if "exp run" in c)
    project.run("bash", "-c", experiment)
    watched = ("params.yaml", "dvc.lock", "reports/")
    changed = project.run("git", "status", "--porcelain", *watched).stdout
    assert "params.yaml" in changed, changed
    assert "dvc.lock" in changed, changed
    assert (project.path / "models" / "model.joblib").read_bytes() != model

    outputs = [
        project.run("bash", "-c", command).stdout
        for command in section_commands(project, "### Discarding an experiment")
    ]
    assert project.run("git", "status", "--porcelain", *watched).stdout == ""
    assert {name: project.read(name) for name in committed} == committed
    assert (project.path / "models" / "model.joblib").read_bytes() == model
    assert "Data and pipelines are up to date." in outputs[-1]


TEST_REFERENCE = re.compile(r"(tests/[\w/]+\.py)(?:::(\w+))?")


@pytest.mark.parametrize("named", sorted({*TESTED_COMMANDS.values(), *GENERATED_BLOCKS.values()}))
def test_named_tests_exist(named: str) -> None:
    """Every test the tables above name exists, so a renamed test cannot leave a doc unrun."""
    references = TEST_REFERENCE.findall(named)
    assert references or named.startswith(".ci/run"), f"{named!r} names no test"
    for path, function in references:
        source = TEMPLATE_DIR / path
        assert source.is_file(), f"{named!r}: {path} does not exist"
        if function:
            assert f"def {function}(" in source.read_text(encoding="utf-8"), (
                f"{named!r}: {path} has no test {function}"
            )


def test_generated_readme_names_every_module_of_the_package() -> None:
    """The generated README's package table has a row for each module, and no other.

    A module added, moved or removed (``models/golden.py`` became ``golden.py``) must
    move its row too, so the table keeps saying where things live.
    """
    project = TEMPLATE_DIR / "{{cookiecutter.project_slug}}"
    package = project / "src" / "{{cookiecutter.package_name}}"
    readme = (project / "README.md").read_text(encoding="utf-8")
    table = readme.split("### The package, top-down\n", 1)[1].split("\n#", 1)[0]
    rows = set(re.findall(r"^\| `([\w/]+(?:\.py|/))` \|", table, re.MULTILINE))
    modules = {
        f"{path.name}/" if path.is_dir() else path.name
        for path in package.iterdir()
        if path.name not in {"__init__.py", "__main__.py", "__pycache__"}
    }
    modules |= {"data/contract/"}
    assert rows == modules, f"README rows {sorted(rows)}, modules {sorted(modules)}"

"""A failed run loses nothing and says where the problem is (generated project, end to end).

One default project is baked, set up and run once (`make pipeline`), and its results
committed; then each test breaks something and runs `make pipeline` again:

- a bad row in the CSV source the user gave: validate fails after ingest succeeded;
- a stage killed outright (SIGKILL) while DVC had already deleted its outputs;
- a knob out of range, and a path leading out of the project: refused at start-up.

Each asserts the split, the model, the metrics and the plots are byte for byte the last
good ones, and that the one `error:` line says what happened. Every test puts the
project back as it found it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import BakedProject, Baker

pytestmark = [pytest.mark.slow]

LAST_GOOD = (
    "data/processed/train.csv",
    "data/processed/test.csv",
    "models/model.joblib",
    "reports/metrics.json",
    "reports/plots/roc.csv",
    "reports/plots/roc.png",
    "reports/plots/confusion.csv",
    "reports/plots/calibration.png",
)
RESTORED = "the last good outputs are back in place"


@pytest.fixture(scope="module")
def first_run(module_baker: Baker) -> tuple[BakedProject, str]:
    """The default project after `make setup`, one `make pipeline` and a commit of its results."""
    project = module_baker.bake()
    project.run("make", "setup")
    output = project.run("make", "pipeline").stdout
    project.run("git", "add", "dvc.lock", "reports/metrics.json")
    project.run("git", "commit", "--quiet", "--no-verify", "-m", "First run")
    return project, output


@pytest.fixture
def project(first_run: tuple[BakedProject, str]) -> Iterator[BakedProject]:
    """The committed project; whatever a test changes is undone afterwards."""
    project = first_run[0]
    yield project
    project.run("git", "checkout", "--", ".")
    project.run("git", "clean", "-fdxq", "--", "data/external")
    project.run("./tools/uv", "run", "--no-sync", "dvc", "checkout", "--force", "--quiet")
    assert "up to date" in project.run("./tools/uv", "run", "--no-sync", "dvc", "status").stdout


def digests(project: BakedProject) -> dict[str, str]:
    return {
        name: hashlib.sha256((project.path / name).read_bytes()).hexdigest() for name in LAST_GOOD
    }


def set_param(project: BakedProject, line: str, replacement: str) -> None:
    params = project.path / "params.yaml"
    text = params.read_text(encoding="utf-8")
    assert line in text
    params.write_text(text.replace(line, replacement, 1), encoding="utf-8")


def failed_pipeline(project: BakedProject) -> str:
    result = project.run("make", "pipeline", check=False)
    assert result.returncode != 0, result.stdout
    errors = [line for line in result.stderr.splitlines() if line.startswith("error: ")]
    assert errors, result.stderr
    return "\n".join(errors)


def test_a_successful_run_says_what_to_commit(first_run: tuple[BakedProject, str]) -> None:
    output = first_run[1]
    assert "git add dvc.lock reports/metrics.json && git commit" in output
    assert "roc_auc" in output  # the metrics are shown, as `dvc metrics show` did


def test_a_bad_row_in_the_source_keeps_the_last_good_outputs(project: BakedProject) -> None:
    """Ingest succeeds, validate refuses the row: split, model and metrics stay as they were."""
    before = digests(project)
    raw = (project.path / "data" / "raw" / "dataset.csv").read_text(encoding="utf-8")
    header, first, *rest = raw.splitlines()
    bad = "n/a," + first.split(",", 1)[1]  # no value in the first column, 'mean radius'
    source = project.path / "data" / "external" / "cells.csv"
    source.write_text("\n".join([header, first, *rest, bad]) + "\n", encoding="utf-8")
    set_param(project, "source: sklearn:breast_cancer", "source: data/external/cells.csv")
    errors = failed_pipeline(project)
    assert digests(project) == before
    assert f"error: the pipeline failed at stage validate; {RESTORED}" in errors
    assert "data/raw/dataset.csv (ingested from data/external/cells.csv)" in errors
    assert f"line {len(rest) + 3}: 'n/a'" in errors


def test_a_killed_stage_keeps_the_last_good_outputs(project: BakedProject) -> None:
    """Evaluate dies by SIGKILL after DVC deleted the metrics (not cached) and the plots."""
    before = digests(project)
    package = project.answers["package_name"]
    evaluate = project.path / "src" / package / "models" / "evaluate.py"
    text = evaluate.read_text(encoding="utf-8")
    evaluate.write_text(
        text.replace(
            "def run(params: Params) -> None:\n",
            "def run(params: Params) -> None:\n"
            "    import os, signal\n"
            "    os.kill(os.getpid(), signal.SIGKILL)\n",
        ),
        encoding="utf-8",
    )
    errors = failed_pipeline(project)
    assert digests(project) == before
    assert f"error: the pipeline failed at stage evaluate; {RESTORED}" in errors
    assert "M reports/metrics.json" not in project.run("git", "status", "--short").stdout


def test_a_knob_out_of_range_stops_before_anything_runs(project: BakedProject) -> None:
    before = digests(project)
    set_param(project, "test_size: 0.25", "test_size: 0")
    result = project.run("make", "pipeline", check=False)
    assert result.returncode != 0
    assert "Running stage" not in result.stdout
    assert (
        "error: params.yaml.data.test_size: expected a number above 0 and below 1, found 0"
        in result.stderr.splitlines()
    )
    assert digests(project) == before


def test_a_path_out_of_the_project_is_refused(project: BakedProject) -> None:
    before = digests(project)
    set_param(project, "raw_path: data/raw/dataset.csv", "raw_path: ../../outside.csv")
    errors = failed_pipeline(project)
    outside = (project.path / "../../outside.csv").resolve()
    assert errors == (
        f"error: params.yaml.data.raw_path: expected a path inside the project folder "
        f"{project.path.resolve()}, found '../../outside.csv', which leads to {outside}"
    )
    assert not Path(outside).exists()
    assert digests(project) == before

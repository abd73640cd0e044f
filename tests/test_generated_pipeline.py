"""Layer 3: the generated DVC pipeline runs offline, versions its data and stops on bad data.

Runs in the default project (aws) baked once per worker: `make pipeline`, a no-op
rerun, a push/pull round trip through the local remote, and the same round trip
against a real S3 API on loopback (moto's server, started and stopped here). The
pipeline's metrics and plots, and what `predict` writes, are checked for the example
of each task (binary by default, multiclass wine, regression diabetes).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE_PROJECTS, BakedProject, ready

pytestmark = [pytest.mark.slow]
EVERY_TASK = ready("default", *EXAMPLE_PROJECTS)
DEFAULT = ready("default")

# Per example: the metrics evaluate reports (slices' too), and the plots it draws.
# Every task's metrics end with the privacy audit's (models/privacy.py).
PRIVACY = ["privacy.membership_auc"]
TASK_OUTPUTS: dict[str, tuple[list[str], list[str]]] = {
    "breast_cancer": (
        ["accuracy", "roc_auc", "f1", "precision", "recall", "brier", *PRIVACY],
        ["roc.png", "confusion.png", "calibration.png"],
    ),
    "wine": (
        ["accuracy", "balanced_accuracy", "macro_f1", "log_loss"]
        + [f"recall_{label}" for label in (0, 1, 2)]
        + PRIVACY,
        ["confusion.png", "roc_by_class.png"],
    ),
    "diabetes": (
        [f"{name}{part}" for part in ("", "[sex=1]", "[sex=2]") for name in ("rmse", "mae", "r2")]
        + PRIVACY,
        ["predicted.png", "residuals.png"],
    ),
}
# Per example: the columns `predict` writes, in order (probabilities in the contract's
# class order; a number target has its prediction alone).
PREDICT_COLUMNS = {
    "breast_cancer": ["prediction", "probability_0", "probability_1"],
    "wine": ["prediction", "probability_0", "probability_1", "probability_2"],
    "diabetes": ["prediction"],
}

OUTPUTS = (
    "data/raw/dataset.csv",
    "data/processed/train.csv",
    "data/processed/test.csv",
    "models/model.joblib",
)


@pytest.fixture
def project(project: BakedProject) -> BakedProject:
    """The ready default project, after its first `make pipeline`."""
    if not project.has_file("dvc.lock"):
        project.run("make", "pipeline")
    return project


def digests(project: BakedProject) -> dict[str, str]:
    return {
        name: hashlib.sha256((project.path / name).read_bytes()).hexdigest() for name in OUTPUTS
    }


def forget_local_copies(project: BakedProject) -> None:
    """Remove the cache and every output, as on a fresh clone."""
    shutil.rmtree(project.path / ".dvc" / "cache", ignore_errors=True)
    for name in OUTPUTS:
        (project.path / name).unlink()


@EVERY_TASK
def test_pipeline_runs_offline_and_writes_metrics(project: BakedProject) -> None:
    """`make pipeline` trains and evaluates on the bundled data; the task's metrics and plots exist."""
    names, plots = TASK_OUTPUTS[project.answers["example"]]
    assert list(json.loads(project.read("reports/metrics.json"))) == names
    shown = project.run("./tools/uv", "run", "--no-sync", "dvc", "metrics", "show", "--json").stdout
    reported = next(iter(json.loads(shown).values()))["data"]["reports/metrics.json"]["data"]
    assert list(reported) == names, "dvc metrics show reads other metrics than evaluate wrote"
    found = sorted(path.name for path in (project.path / "reports" / "plots").glob("*.png"))
    assert found == sorted(plots)


@EVERY_TASK
def test_predict_writes_the_task_columns(project: BakedProject) -> None:
    """`<package> predict` on test rows without their target: the task's columns, in order."""
    with (project.path / "data" / "processed" / "test.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))[:5]
    features = [name for name in rows[0] if name != "target"]
    with (project.path / "rows.csv").open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, features, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    package = project.answers["package_name"]
    project.run("./tools/uv", "run", "--no-sync", package, "predict", "rows.csv", "out.csv")
    with (project.path / "out.csv").open(encoding="utf-8") as file:
        scored = list(csv.DictReader(file))
    (project.path / "rows.csv").unlink()
    (project.path / "out.csv").unlink()
    example = project.answers["example"]
    assert len(scored) == 5
    assert list(scored[0]) == PREDICT_COLUMNS[example]
    for row in scored:
        if example == "diabetes":
            assert 0 < float(row["prediction"]) < 700  # a number within the contract's bounds
            continue
        probabilities = [float(value) for name, value in row.items() if name != "prediction"]
        assert abs(sum(probabilities) - 1) < 1e-6
        assert row["prediction"] in {name.removeprefix("probability_") for name in row}


@DEFAULT
def test_second_repro_runs_nothing(project: BakedProject) -> None:
    """A second `dvc repro` finds every stage up to date."""
    result = project.run("./tools/uv", "run", "--no-sync", "dvc", "repro")
    assert "Running stage" not in result.stdout
    assert "up to date" in result.stdout


@DEFAULT
def test_make_pipeline_rerun_runs_nothing_and_says_what_to_commit(project: BakedProject) -> None:
    """`make pipeline` again: no stage runs; dvc.lock and the metrics are still to commit."""
    result = project.run("make", "pipeline")
    assert "Running stage" not in result.stdout
    assert "git add dvc.lock reports/metrics.json && git commit" in result.stdout
    assert "roc_auc" in result.stdout


@DEFAULT
def test_data_is_versioned_not_committed(project: BakedProject) -> None:
    """After a run, git sees dvc.lock and metrics, never the data or the model."""
    untracked = project.run("git", "status", "--porcelain", "--untracked-files=all").stdout
    for name in OUTPUTS:
        assert name not in untracked


@DEFAULT
def test_push_pull_round_trip_through_the_local_remote(project: BakedProject) -> None:
    """dvc push, then pull into an empty cache, restores the data and model byte for byte."""
    before = digests(project)
    project.run("./tools/uv", "run", "--no-sync", "dvc", "push")
    forget_local_copies(project)
    project.run("./tools/uv", "run", "--no-sync", "dvc", "pull")
    assert digests(project) == before


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def moto_server() -> Iterator[str]:
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            with contextlib.suppress(OSError):
                urllib.request.urlopen(url, timeout=1)
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"moto server did not start on {url}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


@DEFAULT
def test_push_pull_round_trip_through_s3_on_loopback(project: BakedProject) -> None:
    """With the aws option, the `live` remote round-trips through a real S3 API (moto)."""
    config = project.read(".dvc/config")
    bucket = f"{project.answers['project_slug']}-dvc-live"
    assert f"url = s3://{bucket}" in config
    project.run("./tools/uv", "sync", "--extra", "cloud")
    credentials = {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",  # moto accepts any key
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    before = digests(project)
    with moto_server() as endpoint:
        urllib.request.urlopen(urllib.request.Request(f"{endpoint}/{bucket}", method="PUT"))
        dvc = ["./tools/uv", "run", "--no-sync", "dvc"]
        project.run(*dvc, "remote", "modify", "--local", "live", "endpointurl", endpoint)
        project.run(*dvc, "push", "--remote", "live", **credentials)
        forget_local_copies(project)
        project.run(*dvc, "pull", "--remote", "live", **credentials)
    assert digests(project) == before
    (Path(project.path) / ".dvc" / "config.local").unlink()


@DEFAULT
def test_readme_pipeline_commands_run(project: BakedProject) -> None:
    """Every command of the generated README's Pipeline section runs (docs are executable)."""
    readme = project.read("README.md")
    section = readme.split("## Pipeline", 1)[1]
    block = section.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#", 1)[0].strip() for line in block.splitlines()]
    assert any("exp run" in command for command in commands)
    outputs = []
    try:
        for command in filter(None, commands):
            outputs.append(project.run("bash", "-c", command).stdout)
    finally:
        project.run("git", "checkout", "--", "params.yaml")
    assert any("roc_auc" in output for output in outputs), "dvc metrics diff showed no metric"

"""``{{ cookiecutter.package_name }} pipeline``: a failed ``dvc repro`` loses nothing.

DVC deletes a stage's outputs before running it; a stage that then fails used to leave
the workspace without them (the metrics, which DVC does not cache, for good). These
tests run the wrapper on a one-stage DVC project of their own (seconds, no model),
break the stage, and check every output is back, byte for byte.
"""

from __future__ import annotations

import contextlib
import io
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from {{ cookiecutter.package_name }} import repro
from {{ cookiecutter.package_name }}.cli import main

STAGE = """\
import json, pathlib, sys
text = pathlib.Path("input.txt").read_text()
if "bad" in text:
    sys.exit("produce: bad input")
pathlib.Path("out.txt").write_text(text.upper())
pathlib.Path("metrics.json").write_text(json.dumps({"length": len(text)}))
"""
OUTPUTS = ("out.txt", "metrics.json")


def _git(root: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-c", "user.name=Tests", "-c", "user.email=tests@example.com", *args],
        cwd=root,
        check=True,
        capture_output=True,
    )


@pytest.fixture(scope="module")
def first_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A git + DVC project whose one stage writes a cached output and uncached metrics,
    run once through the wrapper (with what it printed); tests work on copies of it."""
    root = tmp_path_factory.mktemp("first-run") / "project"
    root.mkdir()
    (root / "produce.py").write_text(STAGE, encoding="utf-8")
    (root / "input.txt").write_text("good\n", encoding="utf-8")
    (root / "dvc.yaml").write_text(
        "stages:\n"
        "  produce:\n"
        f"    cmd: {json.dumps(shlex.quote(sys.executable) + ' produce.py')}\n"
        "    deps: [input.txt, produce.py]\n"
        "    outs: [out.txt]\n"
        "    metrics:\n"
        "      - metrics.json:\n"
        "          cache: false\n",
        encoding="utf-8",
    )
    _git(root, "init", "--quiet")
    subprocess.run([*repro.DVC, "init", "--quiet"], cwd=root, check=True)
    _git(root, "add", ".")
    _git(root, "commit", "--quiet", "-m", "project")
    outputs = {output.path.as_posix(): output for output in repro.list_outputs(root)}
    assert outputs["out.txt"].cached
    assert not outputs["metrics.json"].cached
    assert outputs["out.txt"].md5 is None  # nothing recorded before the first run
    shutil.copytree(root, root.parent / "fresh", symlinks=True)  # never run, for one test
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        assert repro.pipeline(root) == 0
    return root, printed.getvalue()


@pytest.fixture
def project(first_run: tuple[Path, str], tmp_path: Path) -> Path:
    """A copy of the project after its first good run."""
    copy = tmp_path / "project"
    shutil.copytree(first_run[0], copy, symlinks=True)
    return copy


def _contents(root: Path) -> dict[str, bytes]:
    return {name: (root / name).read_bytes() for name in OUTPUTS}


def test_success_says_what_to_commit(
    first_run: tuple[Path, str], project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "git add dvc.lock metrics.json && git commit" in first_run[1]
    _git(project, "add", "dvc.lock", "metrics.json")
    _git(project, "commit", "--quiet", "-m", "run")
    assert repro.pipeline(project) == 0
    assert "nothing new to commit" in capsys.readouterr().out


def test_a_failed_stage_leaves_the_last_good_outputs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _contents(project)
    (project / "input.txt").write_text("bad\n", encoding="utf-8")
    assert repro.pipeline(project) == 1
    assert _contents(project) == good  # metrics.json too, which DVC had deleted
    err = capsys.readouterr().err
    assert "produce: bad input" in err
    assert err.strip().splitlines()[-1] == (
        "error: the pipeline failed at stage produce; the last good outputs are back in place "
        "(as dvc.lock records them)"
    )


def test_without_the_wrapper_dvc_loses_the_metrics(project: Path) -> None:
    """Why the wrapper exists: plain ``dvc repro`` leaves no metrics after a failure."""
    (project / "input.txt").write_text("bad\n", encoding="utf-8")
    failed = subprocess.run(
        [*repro.DVC, "repro"], cwd=project, capture_output=True, text=True, check=False
    )
    assert failed.returncode != 0
    assert not (project / "metrics.json").exists()


def test_a_killed_stage_leaves_the_last_good_outputs(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _contents(project)
    stage = project / "produce.py"
    stage.write_text(
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n" + STAGE, encoding="utf-8"
    )
    assert repro.pipeline(project) == 1
    assert _contents(project) == good
    assert "failed at stage produce; the last good outputs are back" in capsys.readouterr().err


def test_bad_params_stop_before_dvc_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The start-up check comes first: DVC never gets to delete an output."""

    def must_not_run(*args: object) -> None:
        raise AssertionError("dvc repro ran with bad params")

    monkeypatch.setattr(repro, "run_repro", must_not_run)
    params = tmp_path / "params.yaml"
    params.write_text("data:\n  test_size: 0\n", encoding="utf-8")
    assert main(["--params", str(params), "pipeline"]) == 2
    assert "data.test_size: expected a number above 0 and below 1" in capsys.readouterr().err


def test_a_first_run_that_fails_says_there_was_nothing_to_restore(
    first_run: tuple[Path, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    shutil.copytree(first_run[0].parent / "fresh", project, symlinks=True)
    (project / "input.txt").write_text("bad\n", encoding="utf-8")
    assert repro.pipeline(project) == 1
    assert capsys.readouterr().err.strip().splitlines()[-1] == (
        "error: the pipeline failed at stage produce; there were no earlier outputs to put "
        "back (no stage had succeeded: dvc.lock was empty or missing)"
    )

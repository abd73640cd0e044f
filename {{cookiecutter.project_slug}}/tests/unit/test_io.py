"""Atomic writes: a full disk is one error naming the path, and leaves no partial file.

The disk is filled two ways: by a simulated ENOSPC (anywhere) and by a real 64 KiB
tmpfs (where this machine lets the tests mount one, as root; skipped elsewhere).
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from {{ cookiecutter.package_name }} import io
from {{ cookiecutter.package_name }}.cli import main
from {{ cookiecutter.package_name }}.config import DataConfig
from {{ cookiecutter.package_name }}.data import files
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.io import OutputError, atomic_path, write_text

NO_SPACE = "No space left on device"


def _frame(rows: int) -> pd.DataFrame:
    generator = np.random.default_rng(0)
    return pd.DataFrame({"x": generator.normal(size=rows), "y": generator.normal(size=rows)})


def _fill_disk_after(monkeypatch: pytest.MonkeyPatch, written: int) -> None:
    """``DataFrame.to_csv`` writes ``written`` bytes of the file, then the disk is full."""

    def to_csv(self: pd.DataFrame, path: Any, **_: Any) -> None:
        Path(path).write_bytes(b"x" * written)
        raise OSError(errno.ENOSPC, NO_SPACE, str(path))

    monkeypatch.setattr(pd.DataFrame, "to_csv", to_csv)


def test_one_module_writes_for_data_and_models() -> None:
    """Writing helpers come from io alone: data.files uses them and hands none out."""
    assert not {"atomic_path", "write_text", "write_bytes"} & set(files.__all__)
    assert files.write_csv.__module__ == files.__name__
    assert files.atomic_path is io.atomic_path  # the CSV writer goes through io


def test_full_disk_is_one_error_naming_the_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    destination = tmp_path / "processed" / "train.csv"
    destination.parent.mkdir()
    destination.write_text("old\n", encoding="utf-8")
    _fill_disk_after(monkeypatch, 4096)
    with pytest.raises(OutputError) as error:
        write_csv(_frame(10), destination)
    assert str(error.value) == (
        f"{destination}: could not write the file ({NO_SPACE}); "
        "the previous version, if any, is unchanged"
    )
    assert destination.read_text(encoding="utf-8") == "old\n"
    assert [path.name for path in destination.parent.iterdir()] == ["train.csv"]


def test_full_disk_through_the_command_line_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``ingest`` on a full disk: exit 2, one ``error:`` line, no traceback, no file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "params.yaml").write_text("seed: 42\n", encoding="utf-8")
    _fill_disk_after(monkeypatch, 100)
    assert main(["ingest"]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"error: {DataConfig().raw_path}: could not write the file ({NO_SPACE}); "
        "the previous version, if any, is unchanged\n"
    )
    assert list((tmp_path / "data" / "raw").iterdir()) == []


def test_a_failure_after_the_write_leaves_no_file(tmp_path: Path) -> None:
    """The rename happens last: an error before it leaves nothing at the destination."""
    destination = tmp_path / "metrics.json"

    def failing_stage() -> None:
        with atomic_path(destination) as temporary:
            temporary.write_text("{}", encoding="utf-8")
            raise RuntimeError("stage failed")

    with pytest.raises(RuntimeError, match="stage failed"):
        failing_stage()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_in_the_way_is_named(tmp_path: Path) -> None:
    (tmp_path / "metrics.json").mkdir()
    with pytest.raises(OutputError, match=r"metrics\.json: could not write the file \(Is a dir"):
        write_text("{}", tmp_path / "metrics.json")
    assert [path.name for path in tmp_path.iterdir()] == ["metrics.json"]


@contextlib.contextmanager
def tiny_disk(folder: Path, size: str = "64k") -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``folder``; the test is skipped if mounting is refused."""
    folder.mkdir()
    mount, umount = shutil.which("mount"), shutil.which("umount")
    if os.geteuid() != 0 or mount is None or umount is None:
        pytest.skip("mounting a tmpfs needs root and mount(8)")
    result = subprocess.run(
        [mount, "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        pytest.skip(f"mounting a tmpfs is not permitted here: {result.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run([umount, str(folder)], check=False)


def test_a_real_full_disk_leaves_the_old_file(tmp_path: Path) -> None:
    with tiny_disk(tmp_path / "disk") as disk:
        destination = disk / "train.csv"
        write_csv(_frame(5), destination)
        before = destination.read_bytes()
        with pytest.raises(
            OutputError, match=rf"train\.csv: could not write the file \({NO_SPACE}"
        ):
            write_csv(_frame(20_000), destination)  # about 800 kB: ten times the disk
        assert destination.read_bytes() == before
        assert [path.name for path in disk.iterdir()] == ["train.csv"]


def test_a_real_full_disk_through_a_stage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The ingest stage writing the bundled data (about 120 kB) onto a 64 KiB disk."""
    monkeypatch.chdir(tmp_path)
    with tiny_disk(tmp_path / "data") as disk:
        params = tmp_path / "params.yaml"
        params.write_text("data:\n  raw_path: data/dataset.csv\n", encoding="utf-8")
        assert main(["--params", str(params), "ingest"]) == 2
        error = capsys.readouterr().err
        assert error.startswith(f"error: data/dataset.csv: could not write the file ({NO_SPACE})")
        assert error.count("\n") == 1
        assert list(disk.iterdir()) == []

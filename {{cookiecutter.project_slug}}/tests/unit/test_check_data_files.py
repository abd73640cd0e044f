"""The data guard judges a file by its content and size, not only by its name."""

from __future__ import annotations

import gzip
import pickle
import sqlite3
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tools.check_data_files import MAX_KB, main, reasons

from tests.conftest import PROJECT_ROOT


def table(rows: int) -> pd.DataFrame:
    index = np.arange(rows)
    return pd.DataFrame(
        {"id": index, "weight": index * 0.5, "colour": ["red", "blue"] * (rows // 2)}
    )


def judged(path: Path, name: str | None = None) -> list[str]:
    return reasons(name or path.name, path)


def test_a_csv_renamed_dat_is_refused_by_its_content(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "export.dat"
    table(25_000).to_csv(path, index=False)
    assert path.stat().st_size > MAX_KB * 1024
    assert main([str(path)]) == 1
    message = capsys.readouterr().err
    assert message.startswith(f"{path}: data or model file committed to git (")
    assert "its content is a table:" in message
    assert "3 comma-separated fields" in message
    assert f"over the {MAX_KB} KB limit" in message
    assert f"git rm --cached {path} && dvc add {path}" in message


def test_a_small_table_without_a_data_suffix_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "extract.txt"
    table(40).to_csv(path, index=False, sep="\t")
    assert judged(path) == ["its content is a table: 41 rows of 3 tab-separated fields"]


def test_json_lines_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.log"
    table(30).to_json(path, orient="records", lines=True)
    assert judged(path) == ["its content is a table: 30 lines of JSON objects (JSON lines)"]


def write_npy(path: Path) -> None:
    with path.open("wb") as handle:
        np.save(handle, np.zeros(3))


def write_zip(path: Path) -> None:
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("x.csv", "a,b\n1,2\n")


WRITERS: dict[str, tuple[str, Callable[[Path], object]]] = {
    "weights.bin": ("NumPy array (.npy)", write_npy),
    "model.out": ("pickle", lambda p: p.write_bytes(pickle.dumps({"a": 1}, protocol=4))),
    "frame.data": ("Parquet", lambda p: p.write_bytes(b"PAR1" + bytes(64) + b"PAR1")),
    "store.data": ("HDF5", lambda p: p.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(64))),
    "bundle.data": ("zip archive", write_zip),
    "rows.dat": ("gzip", lambda p: p.write_bytes(gzip.compress(b"a,b\n1,2\n"))),
}


@pytest.mark.parametrize("name", sorted(WRITERS))
def test_binary_data_formats_are_refused_by_their_magic_bytes(tmp_path: Path, name: str) -> None:
    kind, write = WRITERS[name]
    path = tmp_path / name
    write(path)
    (reason,) = judged(path)
    assert reason.startswith(f"its content is {kind}"), reason


def test_an_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "cache.store"
    with sqlite3.connect(path) as connection:
        connection.execute("create table t (x)")
    connection.close()
    assert judged(path) == ["its content is SQLite database (by its first bytes)"]


def test_a_large_file_is_refused_for_its_size(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("A sentence of prose and not a table.\n" * 10_000)
    assert judged(path) == [f"it is {path.stat().st_size // 1024} KB, over the {MAX_KB} KB limit"]


def test_a_data_suffix_is_refused_even_for_a_file_not_on_disk() -> None:
    assert reasons("data/raw/dataset.csv", Path("/nonexistent/dataset.csv")) == [
        "its suffix .csv is a data or model format"
    ]


@pytest.mark.parametrize(
    ("name", "text"),
    [
        # ruff's import lists end every line in a comma: not a table.
        ("module.py", "from x import (\n" + "".join(f"    name{i},\n" for i in range(40)) + ")\n"),
        ("table.md", "| a | b |\n| --- | --- |\n" + "| 1 | 2 |\n" * 40),
        ("pointer.csv.dvc", "outs:\n- md5: 5f48e26b935f9e5eb4eef93ded992f6a\n  size: 2565\n"),
        ("words.txt", "one, two\n" * 5),  # a few delimited lines are not many rows
    ],
)
def test_code_docs_and_pointers_pass(tmp_path: Path, name: str, text: str) -> None:
    path = tmp_path / name
    path.write_text(text)
    assert judged(path) == []


def test_small_fixtures_under_tests_pass_but_large_ones_do_not(tmp_path: Path) -> None:
    small, large = tmp_path / "small.csv", tmp_path / "large.csv"
    table(40).to_csv(small, index=False)
    table(10_000).to_csv(large, index=False)
    assert reasons("tests/golden/small.csv", small) == []
    (reason,) = reasons("tests/golden/large.csv", large)
    assert reason.endswith("KB limit for a test fixture")


def test_the_lock_file_may_be_large(tmp_path: Path) -> None:
    path = tmp_path / "uv.lock"
    path.write_text('version = 1\n[[package]]\nname = "x"\n' * 20_000)
    assert reasons("uv.lock", path) == []


def test_this_project_passes() -> None:
    listing = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_ROOT, capture_output=True, text=True, check=False
    )
    if listing.returncode != 0:
        pytest.skip("not a git repository")
    files = [name for name in listing.stdout.splitlines() if (PROJECT_ROOT / name).is_file()]
    found = {name: reasons(name, PROJECT_ROOT / name) for name in files}
    assert {name: why for name, why in found.items() if why} == {}

"""Reading CSV files: every way a file can be unreadable is one error naming it and why.

Complements the contract tests' list of bad files with the reasons a message quotes
(the system's, the parser's) and with what a file that reads well becomes: blank lines
kept as rows, and every cell as written for messages.
"""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from {{ cookiecutter.package_name }}.data.files import (
    SNIFF_BYTES,
    DataFileError,
    read_csv,
    read_written,
)


def _refuse_to_open(monkeypatch: pytest.MonkeyPatch, error: OSError) -> None:
    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(Path, "open", open_)


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (PermissionError(errno.EACCES, "Permission denied"), "Permission denied"),
        (OSError("no reason given"), "OSError"),  # no strerror: the kind of error
    ],
)
def test_a_file_that_cannot_be_opened_is_named_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, reason: str
) -> None:
    path = tmp_path / "locked.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")
    _refuse_to_open(monkeypatch, error)
    with pytest.raises(DataFileError) as raised:
        read_csv(path)
    assert str(raised.value) == f"{path}: cannot be read ({reason})"
    assert raised.value.__cause__ is error


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (OSError(errno.EIO, "Input/output error"), "Input/output error"),
        (OSError("no reason given"), "OSError"),
    ],
)
def test_a_file_that_fails_while_parsed_is_named_with_the_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, error: OSError, reason: str
) -> None:
    """The first bytes read, then the disk fails while pandas reads the rest."""
    path = tmp_path / "flaky.csv"
    path.write_text("a,b\n1,2\n", encoding="utf-8")

    def read(*args: Any, **kwargs: Any) -> pd.DataFrame:
        raise error

    monkeypatch.setattr(pd, "read_csv", read)
    with pytest.raises(DataFileError) as raised:
        read_csv(path)
    assert str(raised.value) == f"{path}: cannot be read ({reason})"
    assert raised.value.__cause__ is error


def test_a_row_with_too_many_cells_is_named_with_the_parser_reason(tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n", encoding="utf-8")
    with pytest.raises(DataFileError) as raised:
        read_csv(path)
    assert str(raised.value) == (
        f"{path}: not a valid CSV file "
        "(Error tokenizing data. C error: Expected 2 fields in line 3, saw 3)"
    )


def test_blank_lines_are_kept_as_empty_rows(tmp_path: Path) -> None:
    """Row 2 is line 4 of the file, as messages count lines."""
    path = tmp_path / "gaps.csv"
    path.write_text("a,b\n1,x\n\n3,y\n", encoding="utf-8")
    frame = read_csv(path, dtype={"b": "str"})
    assert frame["a"].tolist()[::2] == [1.0, 3.0]
    assert frame.iloc[1].isna().all()
    assert frame["b"].tolist()[::2] == ["x", "y"]


def test_written_cells_are_the_text_of_the_file(tmp_path: Path) -> None:
    """``007`` stays ``007``, ``1.50`` stays ``1.50``, ``n/a`` stays ``n/a``."""
    path = tmp_path / "cells.csv"
    path.write_text("id,score,note\n007,1.50,n/a\n010,2,NA\n", encoding="utf-8")
    assert read_written(path).to_numpy().tolist() == [["007", "1.50", "n/a"], ["010", "2", "NA"]]


def test_written_cells_of_a_blank_line_or_a_short_row_are_empty(tmp_path: Path) -> None:
    path = tmp_path / "gaps.csv"
    path.write_text("id,score,note\n7,1.5,x\n\n8,,y\n9\n", encoding="utf-8")
    assert read_written(path).to_numpy().tolist() == [
        ["7", "1.5", "x"],
        ["", "", ""],
        ["8", "", "y"],
        ["9", "", ""],
    ]


# The whole file is scanned for content and NUL bytes, in chunks (SNIFF_BYTES each): a
# verdict never depends on where in the file the blank space or the NUL byte is.
PAST_ONE_CHUNK = SNIFF_BYTES + 1


@pytest.mark.parametrize(
    "content",
    [
        b"a,b\n" + b"1,2\n" * (PAST_ONE_CHUNK // 4) + b"\x00,3\n",  # NUL in a later chunk
        b"a,b\n\x00,3\n" + b"1,2\n" * (PAST_ONE_CHUNK // 4),  # NUL, then clean chunks
    ],
    ids=["nul-after-the-first-chunk", "clean-chunks-after-the-nul"],
)
def test_a_nul_byte_anywhere_marks_the_file_binary(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as raised:
        read_csv(path)
    assert str(raised.value) == f"{path}: not a CSV text file (found binary content: NUL bytes)"


def test_data_followed_by_more_than_a_chunk_of_blank_lines_is_not_empty(tmp_path: Path) -> None:
    path = tmp_path / "trailing.csv"
    path.write_bytes(b"a,b\n1,2\n" + b"\n" * PAST_ONE_CHUNK)
    frame = read_csv(path)
    assert frame.iloc[0].tolist() == [1, 2]
    assert len(frame) == 1 + PAST_ONE_CHUNK  # blank lines kept as empty rows


def test_more_than_a_chunk_of_blank_space_alone_is_empty(tmp_path: Path) -> None:
    path = tmp_path / "blank.csv"
    path.write_bytes(b" \n" * PAST_ONE_CHUNK)
    with pytest.raises(DataFileError) as raised:
        read_csv(path)
    assert str(raised.value) == f"{path}: file is empty (expected a header line and data rows)"

"""Reading CSV files defensively; writing them atomically (through ``io``).

Every way a file can be unreadable (missing, a folder, empty, binary, not UTF-8,
not CSV) becomes one :class:`DataFileError` naming the file. Outputs are written by
:mod:`{{ cookiecutter.package_name }}.io`: to a temporary file renamed into place, so a
stage that fails leaves the previous output (or nothing) behind, never a half-written
file that the next stage or ``dvc`` would take for real.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }}.errors import InputError, shorten
from {{ cookiecutter.package_name }}.io import atomic_path

__all__ = ["DataFileError", "read_csv", "read_written", "write_csv"]

SNIFF_BYTES = 1 << 16  # the chunk size of the scan for blankness and NUL bytes


class DataFileError(InputError):
    """A data file that is missing, empty, binary or not parseable as CSV."""


def write_csv(frame: pd.DataFrame, destination: str | Path) -> None:
    """Write ``frame`` without its index, atomically."""
    with atomic_path(destination) as temporary:
        frame.to_csv(temporary, index=False)


def _unreadable(path: Path, error: OSError) -> DataFileError:
    """The error for a file the system refuses to read: its reason, or the error's kind."""
    return DataFileError(f"{path}: cannot be read ({error.strerror or type(error).__name__})")


def _sniff(path: Path) -> tuple[bool, bool]:
    """(holds anything but blank space, holds a NUL byte) of the whole of ``path``.

    Read in chunks, so a large file costs time, not memory; a missing file, a folder or
    no access is one error.
    """
    if path.is_dir():
        raise DataFileError(f"{path}: is a directory (expected a CSV file)")
    if not path.is_file():
        raise DataFileError(f"{path}: file not found (expected a CSV file)")
    content = binary = False
    try:
        with path.open("rb") as stream:
            while chunk := stream.read(SNIFF_BYTES):
                content = content or bool(chunk.strip())
                binary = binary or b"\x00" in chunk
    except OSError as error:
        raise _unreadable(path, error) from error
    return content, binary


def read_csv(path: str | Path, dtype: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read a CSV file, turning every way it can be unreadable into one clear error.

    Blank lines are kept (as empty rows) so that a row's position maps to its file
    line, which is how validation errors point at offending rows.
    """
    path = Path(path)
    content, binary = _sniff(path)
    if not content:
        raise DataFileError(f"{path}: file is empty (expected a header line and data rows)")
    if binary:
        raise DataFileError(f"{path}: not a CSV text file (found binary content: NUL bytes)")
    try:
        frame = pd.read_csv(
            path,
            dtype=dict(dtype or {}),
            skip_blank_lines=False,
        )
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: not a CSV text file (not UTF-8 at byte {error.start})"
        ) from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        reason = shorten(str(error).strip().splitlines()[0])
        raise DataFileError(f"{path}: not a valid CSV file ({reason})") from error
    except OSError as error:
        raise _unreadable(path, error) from error
    if frame.empty:
        raise DataFileError(f"{path}: has a header but no data rows")
    return frame


def read_written(path: str | Path) -> pd.DataFrame:
    """Every cell of a CSV file as the text written in it (``n/a`` stays ``n/a``).

    Rows are numbered as :func:`read_csv` numbers them, so an error found in the parsed
    frame can quote the offending value as the user wrote it. Empty cells are ``""``.
    """
    return pd.read_csv(path, dtype=str, keep_default_na=False, skip_blank_lines=False)

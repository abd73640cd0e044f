"""Reading CSV files defensively and writing every output atomically.

A stage writes each output to a temporary file next to it and renames it into place
at the end, so a stage that fails leaves the previous output (or nothing) behind,
never a half-written file that the next stage or ``dvc`` would take for real.
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Iterator, Mapping
from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }}.config import InputError

SNIFF_BYTES = 8192


class DataFileError(InputError):
    """A data file that is missing, empty, binary or not parseable as CSV."""


@contextlib.contextmanager
def atomic_path(destination: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; rename it into place on success.

    The temporary file lives in the same folder, so the final ``os.replace`` is an
    atomic rename on the same file system. On any exception it is removed.
    """
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    # A unique name rather than mkstemp: mkstemp creates files readable by the owner only.
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
    try:
        yield temporary
        temporary.replace(destination)
    finally:
        temporary.unlink(missing_ok=True)


def write_csv(frame: pd.DataFrame, destination: str | Path) -> None:
    """Write ``frame`` without its index, atomically."""
    with atomic_path(destination) as temporary:
        frame.to_csv(temporary, index=False)


def write_text(text: str, destination: str | Path) -> None:
    with atomic_path(destination) as temporary:
        temporary.write_text(text, encoding="utf-8")


def read_csv(path: str | Path, dtype: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Read a CSV file, turning every way it can be unreadable into one clear error.

    Blank lines are kept (as empty rows) so that a row's position maps to its file
    line, which is how validation errors point at offending rows.
    """
    path = Path(path)
    if not path.is_file():
        raise DataFileError(f"{path}: file not found (expected a CSV file)")
    with path.open("rb") as stream:
        head = stream.read(SNIFF_BYTES)
    if not head.strip():
        raise DataFileError(f"{path}: file is empty (expected a header line and data rows)")
    if b"\x00" in head:
        raise DataFileError(f"{path}: not a CSV text file (found binary content: NUL bytes)")
    try:
        frame = pd.read_csv(
            path,
            dtype=dict(dtype or {}),
            skip_blank_lines=False,
            encoding="utf-8",
        )
    except UnicodeDecodeError as error:
        raise DataFileError(
            f"{path}: not a CSV text file (not UTF-8 at byte {error.start})"
        ) from error
    except (pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as error:
        reason = str(error).strip().splitlines()[0]
        raise DataFileError(f"{path}: not a valid CSV file ({reason})") from error
    if frame.empty:
        raise DataFileError(f"{path}: has a header but no data rows")
    return frame

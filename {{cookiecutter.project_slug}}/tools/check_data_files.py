"""Refuse data and model files committed to git: they belong in DVC.

A file is judged by its content and size, not only its name, since a CSV renamed
``.dat`` is still a table:

- its suffix is a data or model format (``.csv``, ``.parquet``, ``.pkl``, ...);
- it starts with the magic bytes of one (Parquet, NumPy, HDF5, pickle, zip, gzip,
  SQLite, Arrow, ...), whatever its name;
- it is delimited text: at least ``MIN_ROWS`` lines with the same number (two or
  more) of comma-, tab- or semicolon-separated fields, starting at the first line,
  making up most of the file; or JSON lines (one object per line). Code and
  configuration (``.py``, ``.md``, ``.yaml``, ...) are not judged as tables;
- it is larger than ``MAX_KB`` (``FIXTURE_MAX_KB`` under ``tests/``): hand-written
  text is never that big.

Run by pre-commit with the staged file names, or with no arguments to check every
file git tracks. Small fixtures under ``tests/`` are allowed (tests must run from a
plain clone, without ``dvc pull``), but not large ones.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path, PurePosixPath

DATA_SUFFIXES = frozenset(
    {
        ".csv",
        ".tsv",
        ".parquet",
        ".feather",
        ".arrow",
        ".avro",
        ".orc",
        ".xls",
        ".xlsx",
        ".h5",
        ".hdf5",
        ".npy",
        ".npz",
        ".pkl",
        ".pickle",
        ".joblib",
        ".pt",
        ".pth",
        ".onnx",
        ".safetensors",
        ".zip",
        ".gz",
        ".bz2",
        ".xz",
        ".tar",
        ".db",
        ".sqlite",
    }
)
# (offset, bytes, format): the signature a format's files carry.
MAGIC = (
    (0, b"PAR1", "Parquet"),
    (0, b"\x93NUMPY", "NumPy array (.npy)"),
    (0, b"\x89HDF\r\n\x1a\n", "HDF5"),
    (0, b"PK\x03\x04", "zip archive (also .npz, .xlsx, PyTorch)"),
    (0, b"\x1f\x8b", "gzip"),
    (0, b"BZh", "bzip2"),
    (0, b"\xfd7zXZ\x00", "xz"),
    (0, b"\x28\xb5\x2f\xfd", "zstandard"),
    (0, b"7z\xbc\xaf\x27\x1c", "7-zip archive"),
    (0, b"ARROW1", "Arrow/Feather"),
    (0, b"Obj\x01", "Avro"),
    (0, b"ORC", "ORC"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 (legacy Excel .xls)"),
    (257, b"ustar", "tar archive"),
)
# Pickle (also joblib's and PyTorch's legacy format): PROTO opcode, protocol 2 to 5.
PICKLE_PROTOCOLS = frozenset({2, 3, 4, 5})
ALLOWED_PREFIXES = ("tests/",)
LARGE_ALLOWED = frozenset({"uv.lock"})  # the lock file is large by nature and is committed
MAX_KB = 256
FIXTURE_MAX_KB = 100
MIN_ROWS = 20
TABLE_SHARE = 0.9  # of the sampled lines, this share must have the table's field count
SAMPLE_BYTES = 64 * 1024
# Code and configuration are not judged as tables (an import list is not a CSV).
SOURCE_SUFFIXES = frozenset(
    {".py", ".pyi", ".md", ".rst", ".toml", ".cfg", ".ini", ".yaml", ".yml", ".sh", ".lock"}
)
DELIMITERS = {",": "comma", "\t": "tab", ";": "semicolon"}


def magic_format(head: bytes) -> str | None:
    """The data format whose signature ``head`` (a file's first bytes) starts with."""
    for offset, magic, name in MAGIC:
        if head[offset : offset + len(magic)] == magic:
            return name
    if len(head) >= 2 and head[0] == 0x80 and head[1] in PICKLE_PROTOCOLS:
        return f"pickle (protocol {head[1]})"
    return None


def _text_lines(sample: bytes, whole: bool) -> list[str] | None:
    """The complete lines of a sample, or None if it is not UTF-8 text."""
    if b"\x00" in sample:
        return None
    try:
        text = sample.decode("utf-8")
    except UnicodeDecodeError as error:
        if whole or error.start < len(sample) - 3:
            return None
        text = sample[: error.start].decode("utf-8")  # a character cut by the sample's end
    lines = text.splitlines()
    if not whole and lines:
        lines = lines[:-1]  # the sample may end mid-line
    return [line for line in lines if line.strip()]


def table_shape(lines: list[str]) -> str | None:
    """Describe ``lines`` if they are a table: delimited rows or JSON lines."""
    if len(lines) < MIN_ROWS:
        return None
    objects = 0
    for line in lines:
        try:
            objects += isinstance(json.loads(line), dict)
        except ValueError:
            break
    if objects >= MIN_ROWS and objects >= TABLE_SHARE * len(lines):
        return f"{objects} lines of JSON objects (JSON lines)"
    for delimiter, word in DELIMITERS.items():
        rows = csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)
        try:
            # A row counts when it has two non-blank fields: a line of code ending in a
            # comma (`    name,`) is not a row of a table.
            counts = [len(row) if sum(bool(f.strip()) for f in row) >= 2 else 0 for row in rows]
        except csv.Error:
            continue
        first = counts[0] if counts else 0
        matching = Counter(counts)[first]
        if first >= 2 and matching >= MIN_ROWS and matching >= TABLE_SHARE * len(counts):
            return f"{matching} rows of {first} {word}-separated fields"
    return None


def reasons(name: str, path: Path | None = None) -> list[str]:
    """Why the file ``name`` (read from ``path``, default ``name``) is data; empty if not."""
    found = []
    posix = PurePosixPath(name)
    fixture = name.startswith(ALLOWED_PREFIXES)
    suffix = posix.suffix.lower()
    if suffix in DATA_SUFFIXES and not fixture:
        found.append(f"its suffix {suffix} is a data or model format")
    path = path if path is not None else Path(name)
    if not path.is_file():
        return found  # deleted, or a name only: the suffix is all there is to judge
    size = path.stat().st_size
    limit = FIXTURE_MAX_KB if fixture else MAX_KB
    if size > limit * 1024 and posix.name not in LARGE_ALLOWED:
        where = " for a test fixture" if fixture else ""
        found.append(f"it is {size // 1024} KB, over the {limit} KB limit{where}")
    if fixture:
        return found
    with path.open("rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    kind = magic_format(sample)
    if kind is not None:
        found.append(f"its content is {kind} (by its first bytes)")
        return found
    lines = _text_lines(sample, whole=size <= SAMPLE_BYTES)
    if lines is not None and suffix not in SOURCE_SUFFIXES:
        shape = table_shape(lines)
        if shape is not None:
            sampled = "" if size <= SAMPLE_BYTES else f" in its first {SAMPLE_BYTES // 1024} KB"
            found.append(f"its content is a table: {shape}{sampled}")
    return found


def offending(paths: list[str]) -> dict[str, list[str]]:
    """The paths that hold data, each with the reasons; the others are left out."""
    found = {}
    for name in paths:
        why = reasons(name)
        if why:
            found[name] = why
    return found


def tracked_files() -> list[str]:
    listing = subprocess.run(
        ["git", "ls-files"],  # noqa: S607 (git from PATH, as a developer runs it)
        capture_output=True,
        text=True,
        check=True,
    )
    return listing.stdout.splitlines()


def main(argv: list[str]) -> int:
    bad = offending(argv or tracked_files())
    for name, why in bad.items():
        print(
            f"{name}: data or model file committed to git ({'; '.join(why)}); expected it in "
            f"DVC. Run: git rm --cached {name} && dvc add {name}",
            file=sys.stderr,
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

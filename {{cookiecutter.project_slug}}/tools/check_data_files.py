"""Refuse data and model files committed to git: they belong in DVC.

Run by pre-commit with the staged file names, or with no arguments to check every
file git tracks. Small fixtures under ``tests/`` are allowed: tests must run from a
plain clone, without ``dvc pull``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import PurePosixPath

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
ALLOWED_PREFIXES = ("tests/",)


def offending(paths: list[str]) -> list[str]:
    """Return the paths that look like data and are not in an allowed folder."""
    bad = []
    for name in paths:
        path = PurePosixPath(name)
        if path.suffix.lower() in DATA_SUFFIXES and not name.startswith(ALLOWED_PREFIXES):
            bad.append(name)
    return bad


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
    for name in bad:
        print(
            f"{name}: data or model file committed to git; expected it in DVC. "
            f"Run: git rm --cached {name} && dvc add {name}",
            file=sys.stderr,
        )
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

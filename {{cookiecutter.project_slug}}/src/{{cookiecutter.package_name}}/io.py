"""Writing every output atomically: the one module data and model stages write through.

A file is written to a temporary file beside its destination, flushed to disk
(``fsync``) and renamed over the destination (``os.replace``, atomic on one file
system). So a stage that fails, is killed or runs out of disk leaves the previous
file (or nothing) behind, never a half-written file that the next stage or ``dvc``
would take for real. A write the operating system refuses (a full disk, no
permission, a folder in the way) becomes one :class:`OutputError` naming the path.
Reading the YAML files the user writes (``params.yaml``, contracts) lives here too,
so each way such a read can fail is worded once.
"""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import yaml

from {{ cookiecutter.package_name }}.errors import InputError, shorten


class OutputError(InputError):
    """An output the operating system would not let us write (disk full, no permission)."""


def read_yaml(path: Path, error: type[InputError], missing: str, expected: str) -> Any:
    """The parsed YAML file ``path``; a failed read is one ``error`` naming the path.

    ``missing`` is said when the file does not exist, ``expected`` names the file a
    directory stands in for.
    """
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError as cause:
        raise error(f"{path}: {missing}") from cause
    except IsADirectoryError as cause:
        raise error(f"{path}: is a directory (expected {expected})") from cause
    except (OSError, UnicodeDecodeError) as cause:
        raise error(f"{path}: cannot be read ({cause})") from cause
    except yaml.YAMLError as cause:
        raise error(f"{path}: not valid YAML: {shorten(str(cause))}") from cause


def _fsync(path: Path, *, folder: bool = False) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    except OSError:
        if not folder:  # some file systems cannot sync a folder; the rename is done anyway
            raise
    finally:
        os.close(descriptor)


def _reason(error: OSError) -> str:
    return error.strerror or type(error).__name__


@contextlib.contextmanager
def atomic_path(destination: str | Path) -> Iterator[Path]:
    """Yield a temporary path beside ``destination``; move it into place on success.

    On any exception the temporary file is removed and ``destination`` is left as it
    was; an ``OSError`` (ENOSPC, EACCES, ...) is raised again as :class:`OutputError`.
    """
    destination = Path(destination)
    # A unique name rather than mkstemp: mkstemp creates files readable by the owner only.
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex}.tmp")
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        yield temporary
        _fsync(temporary)
        temporary.replace(destination)  # os.replace: atomic on one file system
        _fsync(destination.parent, folder=True)
    except OSError as error:
        raise OutputError(
            f"{destination}: could not write the file ({_reason(error)}); "
            "the previous version, if any, is unchanged"
        ) from error
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def write_text(text: str, destination: str | Path) -> None:
    """Write ``text`` as UTF-8, atomically."""
    with atomic_path(destination) as temporary:
        temporary.write_text(text, encoding="utf-8")


def write_bytes(data: bytes, destination: str | Path) -> None:
    """Write ``data``, atomically."""
    with atomic_path(destination) as temporary:
        temporary.write_bytes(data)

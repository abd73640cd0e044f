"""An opt-in sample of live inputs, written where ``monitor`` reads a batch from.

Serving creates one :class:`InputSample` (when the operator turns it on) and offers it
the records of each request it answered::

    sample = InputSample(Path("monitoring/live"), columns=contract.feature_columns,
                         rate=0.05, exclude=("email",))
    sample.offer(records)      # after a request is answered; cheap, never raises on data
    ...
    sample.flush()             # on shutdown (and whenever wanted): write what is held

API:

- ``InputSample(folder, columns, rate, exclude=(), max_rows=10_000, seed=None)``:
  ``columns`` are the fields kept (the contract's feature columns: what drift compares);
  ``exclude`` are fields never written, personal data say (the contract has no PII
  flag, so the caller names them; an excluded feature is then not monitored);
  ``rate`` in (0, 1] is the share of records kept, each drawn independently;
  ``max_rows`` bounds the rows held in memory: reaching it writes a file.
- ``offer(records: Sequence[Mapping[str, Any]]) -> None``: keep each record with
  probability ``rate`` (only ``columns`` minus ``exclude``; a missing field is empty).
  Thread-safe; the write, when ``max_rows`` is reached, happens in the offering call.
- ``flush() -> Path | None``: write the held rows as one Parquet file
  ``sample-<UTC time>-<random>.parquet`` in ``folder`` and return it (``None`` when
  nothing is held). The file is written under a name starting with ``.`` and renamed
  when complete, so ``monitor FOLDER`` never reads half a file.
- ``held`` (rows in memory) and ``written`` (files written) for metrics.

Values are written as text, the way a CSV file holds them, so a column's type in the
files never depends on which values a file happened to get; ``monitor`` reads them
through the contract like any batch (``monitor monitoring/live``).
"""

from __future__ import annotations

import random
import threading
import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.io import atomic_path


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class InputSample:
    """A bounded, random sample of live input records, flushed as Parquet files."""

    def __init__(
        self,
        folder: Path,
        columns: Sequence[str],
        rate: float,
        exclude: Collection[str] = (),
        max_rows: int = 10_000,
        seed: int | None = None,
    ) -> None:
        if not 0.0 < rate <= 1.0:
            raise InputError(f"sample rate: expected a number above 0 and at most 1, found {rate}")
        if max_rows < 1:
            raise InputError(f"sample max_rows: expected at least 1, found {max_rows}")
        self.folder = folder
        self.columns = [column for column in columns if column not in set(exclude)]
        if not self.columns:
            raise InputError("sample: every column is excluded; there would be nothing to record")
        self.rate = rate
        self.max_rows = max_rows
        self._random = random.Random(seed)  # noqa: S311 - sampling, not security
        self._rows: list[list[str | None]] = []
        self._lock = threading.Lock()
        self.written = 0

    @property
    def held(self) -> int:
        return len(self._rows)

    def offer(self, records: Sequence[Mapping[str, Any]]) -> None:
        """Keep each record with probability ``rate``; write a file each time ``max_rows`` are held."""
        full: list[list[list[str | None]]] = []
        with self._lock:
            for record in records:
                if self._random.random() < self.rate:
                    self._rows.append([_text(record.get(column)) for column in self.columns])
                    if len(self._rows) >= self.max_rows:
                        full.append(self._rows)
                        self._rows = []
        for rows in full:
            self._write(rows)

    def flush(self) -> Path | None:
        """Write the rows held as one Parquet file; return its path (``None`` if none held)."""
        with self._lock:
            rows, self._rows = self._rows, []
        return self._write(rows) if rows else None

    def _write(self, rows: list[list[str | None]]) -> Path:
        table = pa.table(
            {
                column: pa.array([row[index] for row in rows], type=pa.string())
                for index, column in enumerate(self.columns)
            }
        )
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
        path = self.folder / f"sample-{stamp}-{uuid.uuid4().hex[:8]}.parquet"
        with atomic_path(path) as temporary:
            pq.write_table(table, temporary)
        with self._lock:
            self.written += 1
        return path

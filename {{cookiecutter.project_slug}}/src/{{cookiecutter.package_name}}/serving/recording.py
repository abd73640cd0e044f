"""Recording a sample of live inputs for drift monitoring (opt-in: ``serve --record``).

Serving offers each scored batch of records to a :class:`LiveRecorder`. It keeps a share
of them (``--record-rate``) per version, in ``<folder>/<version>/`` - the layout
``monitor`` reads: ``monitor <folder>/<version> --version <version>`` compares what
that version was asked with the reference profile it was trained with.

Only the contract's feature columns are kept (:class:`monitoring.sample.InputSample`):
an id, a free-text column, a column declared ``pii:`` in the contract are never written.
The event loop only draws the sample and copies the values; the Parquet files are
written on a worker thread, every ``flush_rows`` rows or ``flush_seconds`` seconds and
when the server stops, so recording never holds a request up for a file write.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.io import OutputError
from {{ cookiecutter.package_name }}.monitoring.sample import InputSample
from {{ cookiecutter.package_name }}.serving.follower import Served

LOG = logging.getLogger(__name__)
FLUSH_ROWS = 1_000
FLUSH_SECONDS = 60.0


class LiveRecorder:
    """A sample of the records each version scored, written as monitor's batches."""

    def __init__(
        self,
        folder: Path,
        rate: float,
        flush_rows: int = FLUSH_ROWS,
        flush_seconds: float = FLUSH_SECONDS,
        seed: int | None = None,
    ) -> None:
        self.folder = folder
        self.rate = rate
        self.flush_rows = flush_rows
        self.flush_seconds = flush_seconds
        self.seed = seed
        self._samples: dict[str, InputSample] = {}
        self._last_flush = time.monotonic()
        self._writing: asyncio.Future[Any] | None = None
        # Checked now, not at the first request: a bad rate fails `serve` at start.
        InputSample(folder, ["_"], rate, seed=seed)

    def _sample(self, served: Served) -> InputSample:
        sample = self._samples.get(served.version)
        if sample is None:
            # Feature columns only: the contract never lets a pii: column be a feature.
            sample = InputSample(
                self.folder / served.version,
                columns=served.contract.feature_columns,
                rate=self.rate,
                # Far above flush_rows: the flushes below keep it from writing in the loop.
                max_rows=10 * self.flush_rows,
                seed=self.seed,
            )
            self._samples[served.version] = sample
        return sample

    def offer(self, served: Served, records: Sequence[dict[str, Any]]) -> None:
        """Draw the sample from a scored batch; start a background write when one is due."""
        self._sample(served).offer(records)
        due = any(sample.held >= self.flush_rows for sample in self._samples.values())
        due = due or time.monotonic() - self._last_flush >= self.flush_seconds
        if due and (self._writing is None or self._writing.done()):
            self._last_flush = time.monotonic()
            self._writing = asyncio.get_running_loop().run_in_executor(None, self.flush)

    def flush(self) -> list[Path]:
        """Write every version's held rows (a file each); the files written."""
        written = []
        for sample in list(self._samples.values()):
            try:
                path = sample.flush()
            except OutputError as error:  # a full disk must not stop serving: say so, go on
                LOG.error("recording live inputs to %s failed: %s", sample.folder, error)
                continue
            if path is not None:
                written.append(path)
        return written

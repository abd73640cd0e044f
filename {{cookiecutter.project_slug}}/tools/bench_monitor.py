"""Benchmark of ``monitor``: wall time on 1,000,000 rows x 30 features, peak memory 1M vs 5M.

A synthetic contract of 30 number features and a binary target; a model trained on
20,000 rows of it as ``train`` trains (params.yaml's defaults), exported lean and
published with its reference profile to a registry in a temporary folder. Batches of 1
and 5 million rows (Parquet, row groups of 100,000 rows, the features' means moved a
little so the report has something to draw) are written beside it. Each size runs
``<package> monitor BATCH --version V`` in a fresh process: wall time from start to
exit (imports included), and its peak resident memory (``ru_maxrss`` of that child).

Targets (issue 12): under 10 s for 1 million rows; peak(5M) under 2 x peak(1M), i.e.
memory follows the chunk, not the batch. Run from the project root with ``make bench``
or ``python tools/bench_monitor.py``; the numbers are those of this machine, shared or not.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }}.config import Params
from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract
from {{ cookiecutter.package_name }}.models.lean import LeanModel
from {{ cookiecutter.package_name }}.models.train import fit
from {{ cookiecutter.package_name }}.monitoring.profile import profile
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.registry.gate import target_metadata

PACKAGE = "{{ cookiecutter.package_name }}"
FEATURES = 30
ROW_GROUP = 100_000
SIZES = (1_000_000, 5_000_000)
TARGETS = {"wall_1m_s": 10.0, "peak_ratio": 2.0}


def write_contract(folder: Path) -> Contract:
    lines = [
        "name: bench",
        "description: thirty number features, for the monitoring benchmark",
        "target: {values: [0, 1], positive: 1}",
        "columns:",
        *(f"  x{index:02d}: " + "{dtype: float, min: -100, max: 100}" for index in range(FEATURES)),
    ]
    path = folder / "contract.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return load_contract(path, "target")


def rows(count: int, seed: int, shift: float = 0.0) -> pd.DataFrame:
    generator = np.random.default_rng(seed)
    values = generator.normal(shift, 1.0, size=(count, FEATURES))
    frame = pd.DataFrame(values, columns=[f"x{index:02d}" for index in range(FEATURES)])
    frame["target"] = (values[:, 0] + values[:, 1] > 0).astype("int64")
    return frame


def publish(folder: Path, contract: Contract) -> tuple[str, str]:
    params = Params()
    train = rows(20_000, seed=0)
    model = LeanModel.from_pipeline(fit(train, params, contract), contract, 0.5)
    predicted = pd.Series(model.predict_frame(train).predicted)
    files = {
        **model.to_files(),
        "contract.yaml": Path(contract.path).read_bytes(),
        "reference.json": json.dumps(profile(train, contract, predicted)).encode(),
    }
    url = str(folder / "registry")
    version = Registry(url).publish(files, {"target": target_metadata(contract.target)})
    return url, version


def write_batch(path: Path, count: int) -> None:
    writer: pq.ParquetWriter | None = None
    for start in range(0, count, ROW_GROUP):
        frame = rows(min(ROW_GROUP, count - start), seed=start + 1, shift=0.05)
        table = pa.Table.from_pandas(frame.drop(columns="target"), preserve_index=False)
        writer = writer or pq.ParquetWriter(path, table.schema)
        writer.write_table(table)
    if writer is not None:
        writer.close()


def measure(url: str, version: str, batch: Path, out: Path) -> tuple[float, float]:
    """Seconds and peak MiB of one ``monitor`` run in a fresh process."""
    command = [sys.executable, "-m", PACKAGE, "monitor", str(batch), "--version", version]
    command += ["--registry", url, "--out", str(out)]
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):  # 1: drift found, as expected of a moved batch
        raise SystemExit(f"monitor failed with exit code {process.returncode}")
    return seconds, usage.ru_maxrss / 1024  # KiB on Linux


def main() -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        contract = write_contract(folder)
        url, version = publish(folder, contract)
        results: dict[int, tuple[float, float]] = {}
        for count in SIZES:
            batch = folder / f"batch-{count}.parquet"
            write_batch(batch, count)
            results[count] = measure(url, version, batch, folder / f"out-{count}")
            batch.unlink()
    (wall_1m, peak_1m), (wall_5m, peak_5m) = results[SIZES[0]], results[SIZES[1]]
    ratio = peak_5m / peak_1m
    print(f"monitor (drift report), {FEATURES} features, one process per size, this machine")
    print(f"  1,000,000 rows: {wall_1m:6.2f} s   peak memory {peak_1m:7.1f} MiB")
    print(f"  5,000,000 rows: {wall_5m:6.2f} s   peak memory {peak_5m:7.1f} MiB")
    print(f"  wall time (1M)          {wall_1m:6.2f} s   target < {TARGETS['wall_1m_s']:g} s")
    print(f"  peak memory 5M / 1M     {ratio:6.2f}     target < {TARGETS['peak_ratio']:g}")


if __name__ == "__main__":
    main()

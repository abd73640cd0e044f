"""``monitor BATCH [--env ENV | --version V] [--out DIR]``: a batch against the serving version.

The version is the one the environment's alias holds (as ``serve`` and ``predict --env``
use it), or the one named. Its contract checks the batch's rows (``serving.batch``'s
reading and checks: a malformed file or a broken rule stops the run, naming the file and
line, and no report is written), its lean model predicts them, and its
``reference.json`` is what the counts are compared with. The reports go to ``--out``;
the exit code is 0 without drift and 1 on an alert, whose lines name each feature and
what moved (an error is exit 2, as for every command).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from {{ cookiecutter.package_name }}.config import MonitoringConfig
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.monitoring import report as reports
from {{ cookiecutter.package_name }}.monitoring.monitor import (
    Pass,
    Report,
    batch_files,
    for_file,
    rows_in,
)
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.serving.batch import chunks
from {{ cookiecutter.package_name }}.serving.follower import Served, load_version

ALERT_EXIT = 1
SCORE_ROWS = 20_000  # rows scored at a time: the model's expansion of a row is wide
SAMPLE_SEED = 0


def resolve_version(registry: Registry, env: str, version: str | None) -> str:
    """``version`` if given, else the version ``env``'s alias holds."""
    if version is not None:
        return version
    current = registry.current(env)
    if current is None:
        raise InputError(
            f"alias {env!r} of {registry.url} holds no version; promote one first "
            f"(registry promote VERSION --env {env}) or name one with --version"
        )
    return current


def reference_of(registry: Registry, version: str) -> dict[str, Any]:
    try:
        reference: dict[str, Any] = json.loads(registry.read(version, "reference.json"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InputError(
            f"version {version}: reference.json is not valid JSON ({error})"
        ) from error
    return reference


def monitor(
    served: Served, reference: dict[str, Any], batch: Path, limits: MonitoringConfig
) -> Report:
    """One pass over ``batch`` scored by ``served``: its report (nothing written).

    Every row is counted; the model scores a uniform random sample of about
    ``prediction_rows`` of them (all when the batch is smaller), ``SCORE_ROWS`` at a
    time, so scoring neither dominates the time of a large batch nor its memory. The
    sample is drawn from a fixed seed: the same batch gives the same report.
    """
    files = batch_files(batch)
    counts = Pass(served.contract, reference)
    rate = min(1.0, limits.prediction_rows / max(sum(rows_in(path) for path in files), 1))
    draw = np.random.default_rng(SAMPLE_SEED)
    for path in files:
        for chunk in chunks(path, for_file(served.contract, path), limits.chunk_rows):
            sample = chunk if rate >= 1.0 else chunk[draw.random(len(chunk)) < rate]
            predicted: list[Any] = []
            for start in range(0, len(sample), SCORE_ROWS):
                rows = sample.iloc[start : start + SCORE_ROWS]
                predicted.extend(served.model.predict_frame(rows).predicted)
            counts.add(chunk, predicted)
    return counts.report(served.version, batch, files, limits)


def run(
    url: str,
    env: str,
    version: str | None,
    batch: Path,
    out: Path,
    limits: MonitoringConfig,
) -> int:
    registry = Registry(url)
    chosen = resolve_version(registry, env, version)
    served = load_version(registry, chosen)
    found = monitor(served, reference_of(registry, chosen), batch, limits)
    written = reports.write(found, out)
    held = f"alias {env}" if version is None else "named"
    print(
        f"monitor: {found.rows} rows of {batch} against {chosen} ({held}): "
        f"{len(found.drifted)} of {len(found.features)} features drifted, "
        f"prediction drift {'yes' if found.predictions.drifted else 'no'} "
        f"-> {', '.join(str(path) for path in written)}"
    )
    if not found.alert:
        return 0
    print(
        "ALERT: drift in "
        + ", ".join([*found.drifted, *(["predictions"] if found.predictions.drifted else [])])
    )
    for line in found.alerts():
        print(f"  {line}")
    return ALERT_EXIT

"""One streaming pass over a batch: counts per feature and prediction, then the findings.

A batch is a CSV or Parquet file, or a folder of them (read in name order; names
starting with ``.`` or ``_`` are skipped, as Spark and :mod:`.sample` leave them while
writing). Its rows arrive in checked chunks (``serving.batch.chunks``: the contract's
types and rules, each failure naming its file and line or row), and each chunk only adds
to fixed-size counters (:class:`~.drift.NumberCounts`, :class:`~.drift.CategoryCounts`)
before it is dropped. Columns that are not features may be absent (:func:`for_file`). So memory follows the chunk size and the number of bins, not the
batch: a batch larger than memory works.

:class:`Pass` takes the chunks and the model's predictions of them; :meth:`Pass.report`
compares the counts with the reference profile (:func:`~.drift.number_finding`,
:func:`~.drift.category_finding`) into a :class:`Report`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }}.config import MonitoringConfig
from {{ cookiecutter.package_name }}.data.contract import Contract
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.monitoring.drift import (
    CategoryCounts,
    Finding,
    NumberCounts,
    category_finding,
    number_finding,
)
from {{ cookiecutter.package_name }}.monitoring.profile import as_numbers

SUFFIXES = (".csv", ".parquet")


def batch_files(batch: Path) -> list[Path]:
    """The files of ``batch``: itself, or the CSV and Parquet files in the folder."""
    if batch.is_file():
        if batch.suffix.lower() not in SUFFIXES:
            raise InputError(f"{batch}: expected a batch file ending in .csv or .parquet")
        return [batch]
    if not batch.is_dir():
        raise InputError(f"{batch}: no such file or folder (expected a batch to monitor)")
    files = sorted(
        path
        for path in batch.iterdir()
        if path.is_file()
        and path.suffix.lower() in SUFFIXES
        and not path.name.startswith((".", "_"))
    )
    if not files:
        raise InputError(f"{batch}: the folder holds no .csv or .parquet file to monitor")
    return files


def for_file(contract: Contract, path: Path) -> Contract:
    """``contract`` without the columns that are not features and that ``path`` lacks.

    Drift needs the features only; an id or the target may be left out of a batch (live
    inputs recorded by :mod:`.sample` have none). A file that cannot be read keeps the
    whole contract: reading it then reports what is wrong.
    """
    try:
        if path.suffix.lower() == ".parquet":
            present = set(pq.read_schema(path).names)
        else:
            present = {str(name) for name in pd.read_csv(path, nrows=0).columns}
    except (OSError, ValueError, pa.ArrowException, pd.errors.ParserError):
        return contract
    kept = tuple(rule for rule in contract.columns if rule.feature or rule.name in present)
    return dataclasses.replace(contract, columns=kept)


def rows_in(path: Path) -> int:
    """The rows of a batch file, from a Parquet file's footer or a CSV file's line breaks.

    Only used to size the sample of rows scored, so a quoted line break in a CSV cell
    (counted as a row) does no harm; an unreadable file counts 0 and reading it then
    reports what is wrong.
    """
    try:
        if path.suffix.lower() == ".parquet":
            return int(pq.ParquetFile(path).metadata.num_rows)
        lines = 0
        with path.open("rb") as stream:
            while block := stream.read(1 << 20):
                lines += block.count(b"\n")
        return max(lines - 1, 0)
    except (OSError, pa.ArrowException):
        return 0


def _check_reference(reference: Mapping[str, Any], contract: Contract) -> None:
    missing = [name for name in contract.feature_columns if name not in reference["features"]]
    if missing:
        raise InputError(
            f"the reference profile lacks the contract's feature(s) {missing}: "
            "the version's reference.json does not match its contract"
        )


@dataclass(frozen=True)
class Report:
    """The findings of a batch against a version's reference."""

    version: str
    batch: str
    files: list[str]
    rows: int
    features: list[Finding]
    predictions: Finding
    limits: MonitoringConfig

    @property
    def drifted(self) -> list[str]:
        return [finding.name for finding in self.features if finding.drifted]

    @property
    def alert(self) -> bool:
        return bool(self.drifted) or self.predictions.drifted

    @property
    def drifted_share(self) -> float:
        return len(self.drifted) / len(self.features) if self.features else 0.0

    def alerts(self) -> list[str]:
        """One line per moved feature (and the predictions), naming what moved."""
        moved = [finding for finding in [*self.features, self.predictions] if finding.drifted]
        return [f"{finding.name}: {'; '.join(finding.reasons)}" for finding in moved]

    def to_json(self) -> dict[str, Any]:
        return {
            "status": "alert" if self.alert else "ok",
            "version": self.version,
            "batch": self.batch,
            "files": self.files,
            "rows": self.rows,
            "drifted_features": self.drifted,
            "drifted_share": round(self.drifted_share, 6),
            "prediction_drift": self.predictions.drifted,
            "alerts": self.alerts(),
            "thresholds": dataclasses.asdict(self.limits),
            "features": [finding.to_json() for finding in self.features],
            "predictions": self.predictions.to_json(),
        }


class Pass:
    """Counters for every feature and for the predictions, fed one chunk at a time."""

    def __init__(self, contract: Contract, reference: Mapping[str, Any]) -> None:
        _check_reference(reference, contract)
        self.contract = contract
        self.reference = reference
        self.rules = {rule.name: rule for rule in contract.columns if rule.feature}
        self.numbers: dict[str, NumberCounts] = {}
        self.categories: dict[str, CategoryCounts] = {}
        for name in contract.feature_columns:
            profile = reference["features"][name]
            if profile["kind"] == "category":
                self.categories[name] = CategoryCounts(frozenset(profile["frequencies"]))
            else:
                self.numbers[name] = NumberCounts([float(edge) for edge in profile["edges"]])
        predicted = reference["predictions"]
        self.classes = predicted["kind"] == "classes"
        self.predicted_classes = CategoryCounts(frozenset(predicted.get("shares", {})))
        self.predicted_numbers = NumberCounts([float(edge) for edge in predicted.get("edges", [])])
        self.rows = 0

    def add(self, chunk: pd.DataFrame, predicted: Sequence[Any]) -> None:
        """Count a checked chunk of rows, and the model's predictions of (a sample of) them."""
        self.rows += len(chunk)
        for name, counts in self.numbers.items():
            counts.add(as_numbers(chunk[name], self.rules[name]))
        for name, categories in self.categories.items():
            column = chunk[name]
            categories.add(_value_counts(column), int(column.isna().sum()))
        predictions = pd.Series(list(predicted), dtype=object)
        if self.classes:
            self.predicted_classes.add(_value_counts(predictions), int(predictions.isna().sum()))
        else:
            self.predicted_numbers.add(
                pd.to_numeric(predictions, errors="coerce").to_numpy(dtype="float64")
            )

    def report(
        self, version: str, batch: Path, files: Sequence[Path], limits: MonitoringConfig
    ) -> Report:
        if self.rows == 0:
            raise InputError(f"{batch}: has no rows to monitor")
        rows = int(self.reference["rows"])
        corrected = limits.p_value / (len(self.numbers) + len(self.categories) + 1)
        findings: list[Finding] = []
        for name in self.contract.feature_columns:
            profile = self.reference["features"][name]
            if name in self.numbers:
                findings.append(
                    number_finding(name, profile, self.numbers[name], rows, limits, corrected)
                )
            else:
                findings.append(
                    category_finding(
                        name,
                        "category",
                        profile["frequencies"],
                        self.categories[name],
                        rows,
                        limits,
                        corrected,
                        missing_rate=float(profile["missing_rate"]),
                    )
                )
        predicted = self.reference["predictions"]
        scored = self.predicted_classes.rows if self.classes else self.predicted_numbers.rows
        if self.classes:
            predictions = category_finding(
                "predictions",
                "classes",
                predicted["shares"],
                self.predicted_classes,
                rows,
                limits,
                corrected,
            )
        else:
            predictions = number_finding(
                "predictions",
                {**predicted, "missing_rate": 0.0},
                self.predicted_numbers,
                rows,
                limits,
                corrected,
            )
        predictions.statistics["scored_rows"] = scored
        return Report(
            version,
            str(batch),
            [str(path) for path in files],
            self.rows,
            findings,
            predictions,
            limits,
        )


def _value_counts(column: pd.Series) -> dict[str, int]:
    """Each present value's text (as the profile keys it: ``str`` of the value) and its rows."""
    found: dict[str, int] = {}
    for key, count in column.value_counts(dropna=True).items():
        found[str(key)] = found.get(str(key), 0) + int(count)
    return found

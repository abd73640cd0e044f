"""``predict --env ENV INPUT OUTPUT``: score a whole file with the version an alias holds.

Many teams score nightly rather than online. This is the same path as serving: the
version the environment's alias names, loaded and verified as a server loads it
(:func:`~{{ cookiecutter.package_name }}.serving.follower.load_version`), its lean model, and its contract
checking the rows (the target may be absent or empty). The file is read and scored in
chunks of ``chunk_rows``, so memory follows the chunk, not the file; a CSV file or a
Parquet file (``.parquet``) in, either out. The output keeps the rows' columns that are
not features (an id, say), then ``prediction``, ``probability_<class>`` per class for a
class target, and ``model_version``. It is written to a temporary file renamed into place
when every chunk has passed, so a row that breaks the contract leaves no output behind
(and any earlier output as it was), and the message names its line (CSV) or row (Parquet).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from {{ cookiecutter.package_name }}.data.contract import Contract, csv_dtypes, validate_frame
from {{ cookiecutter.package_name }}.errors import InputError, shorten
from {{ cookiecutter.package_name }}.io import atomic_path
from {{ cookiecutter.package_name }}.registry import Registry
from {{ cookiecutter.package_name }}.serving.follower import Served, load_version

SUFFIXES = (".csv", ".parquet")
VERSION_COLUMN = "model_version"


class ParquetRows:
    """Rows of a Parquet file: numbered from 1, as a reader of the file counts them."""

    def locate(self, row: object) -> str:
        return f"row {int(row) + 1}" if isinstance(row, int) else "whole column"


def _suffix(path: Path, role: str) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(f"{path}: expected a {role} file ending in .csv or .parquet")
    return suffix


def _as_read_from_csv(frame: pd.DataFrame, contract: Contract) -> pd.DataFrame:
    """A Parquet chunk as the contract's checks read a CSV file: non-numbers as text."""
    text = csv_dtypes(contract)
    for column in frame.columns.intersection(list(text)):
        values = frame[column]
        frame[column] = values.astype(object).where(values.isna(), values.astype(str))
    return frame


def chunks(source: Path, contract: Contract, chunk_rows: int) -> Iterator[pd.DataFrame]:
    """The rows of ``source`` checked against ``contract``, ``chunk_rows`` at a time."""
    if not source.is_file():
        raise InputError(f"{source}: file not found (expected rows to score)")
    if _suffix(source, "input") == ".csv":
        try:
            reader = pd.read_csv(
                source, dtype=csv_dtypes(contract), chunksize=chunk_rows, skip_blank_lines=False
            )
            # The index runs on across chunks, so a failure's line number stays right.
            for chunk in reader:
                yield validate_frame(chunk, contract, source, labelled=False)
        except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as error:
            reason = str(error).strip().splitlines()[0] if str(error).strip() else "empty"
            raise InputError(f"{source}: not a readable CSV file ({shorten(reason)})") from error
        return
    try:
        # pre_buffer off: on, pyarrow keeps every row group read until the file is
        # closed, so memory grew with the file (430 MiB after 1.5 million rows of 30
        # numbers, measured by tools/bench_monitor.py); off, a row group is freed once read.
        parquet = pq.ParquetFile(source, pre_buffer=False)
    except (OSError, pa.ArrowException) as error:
        raise InputError(f"{source}: not a readable Parquet file ({error})") from error
    start = 0
    for batch in parquet.iter_batches(batch_size=chunk_rows):
        frame = _as_read_from_csv(batch.to_pandas(), contract)
        frame.index = pd.RangeIndex(start, start + len(frame))
        start += len(frame)
        yield validate_frame(frame, contract, source, locator=ParquetRows(), labelled=False)


def scored(served: Served, rows: pd.DataFrame) -> pd.DataFrame:
    """The kept columns of ``rows``, the prediction, class probabilities and the version."""
    contract = served.contract
    result = served.model.predict_frame(rows)
    output = rows[[name for name in contract.echoed_columns if name in rows.columns]].copy()
    output["prediction"] = result.predicted
    if result.probabilities is not None:
        for index, label in enumerate(served.model.classes):
            output[f"probability_{label}"] = result.probabilities[:, index]
    output[VERSION_COLUMN] = served.version
    return output


def run(url: str, env: str, source: Path, destination: Path, chunk_rows: int) -> None:
    if chunk_rows < 1:
        raise InputError(f"--chunk-rows: expected at least 1, found {chunk_rows}")
    out_suffix = _suffix(destination, "output")
    registry = Registry(url)
    version = registry.current(env)
    if version is None:
        raise InputError(
            f"alias {env!r} of {url} holds no version; promote one first "
            f"(registry promote VERSION --env {env})"
        )
    served = load_version(registry, version)
    rows = 0
    with atomic_path(destination) as temporary:
        writer: pq.ParquetWriter | None = None
        try:
            for chunk in chunks(source, served.contract, chunk_rows):
                output = scored(served, chunk)
                if out_suffix == ".csv":
                    output.to_csv(temporary, mode="a", header=rows == 0, index=False)
                else:
                    table = pa.Table.from_pandas(output, preserve_index=False)
                    writer = writer or pq.ParquetWriter(temporary, table.schema)
                    writer.write_table(table)
                rows += len(output)
            if rows == 0:
                raise InputError(f"{source}: has no rows to score")
        finally:
            if writer is not None:
                writer.close()
    print(f"predict: {rows} rows of {source} scored by {version} (alias {env}) -> {destination}")

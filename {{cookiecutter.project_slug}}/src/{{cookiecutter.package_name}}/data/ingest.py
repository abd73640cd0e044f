"""Stage ``ingest``: bring the dataset named by ``data.source`` into ``data.raw_path``.

Two kinds of source, both offline:
- ``sklearn:<name>``: a dataset bundled with scikit-learn (``load_<name>``), e.g.
  ``sklearn:breast_cancer``; its label column is renamed to ``data.target``. Each comes
  in its raw units (diabetes unscaled, its ``sex`` code written as 1 or 2), so the
  contract's bounds are plausibility limits of real measurements.
- a path to a CSV file (kept in ``data/external/`` and versioned with ``dvc add``):
  it is parsed and written back normalised (UTF-8, ``,`` separated, no index column,
  column names stripped of surrounding spaces), so later stages read one format.

Later stages read the raw file, never the package or the source, so the pipeline
depends on data DVC has versioned. Ingest checks only that the source is readable
and has the target column; the contract is ``validate``'s job.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from {{ cookiecutter.package_name }}.config import SKLEARN_PREFIX, Params
from {{ cookiecutter.package_name }}.data.files import read_csv, write_csv
from {{ cookiecutter.package_name }}.errors import InputError, quote, quote_all

# The tabular datasets scikit-learn ships on disk (``load_*`` with ``as_frame``); the
# ``fetch_*`` ones download and are never used. The contract decides if one fits.
BUNDLED = ("breast_cancer", "diabetes", "digits", "iris", "wine")
# Loader arguments beyond ``as_frame``: diabetes ships mean-centred and scaled unless asked.
RAW_UNITS: dict[str, dict[str, bool]] = {"diabetes": {"scaled": False}}
# Codes the loader gives as floats (1.0, 2.0), written as the whole numbers they are.
CODES: dict[str, tuple[str, ...]] = {"diabetes": ("sex",)}


class SourceError(InputError):
    """A ``data.source`` that names nothing readable."""


def load_bundled(name: str, target: str) -> pd.DataFrame:
    """A dataset that ships inside scikit-learn (no download), with its label as ``target``."""
    from sklearn import datasets  # deferred: importing scikit-learn takes seconds

    if name not in BUNDLED:
        raise SourceError(
            f"data.source: no dataset {SKLEARN_PREFIX}{name} bundled with scikit-learn; "
            f"expected one of {[SKLEARN_PREFIX + known for known in BUNDLED]} or a CSV path"
        )
    loader = getattr(datasets, f"load_{name}")
    bunch = loader(as_frame=True, **RAW_UNITS.get(name, {}))
    frame: pd.DataFrame = bunch.frame.rename(columns={"target": target})
    for column in CODES.get(name, ()):
        frame[column] = frame[column].astype("int64")
    return frame


def load_source(source: str, target: str) -> pd.DataFrame:
    """Read ``data.source``: ``sklearn:<name>`` or a CSV path; require the target column."""
    if source.startswith(SKLEARN_PREFIX):
        frame = load_bundled(source.removeprefix(SKLEARN_PREFIX), target)
    else:
        frame = read_csv(Path(source))
        frame = frame.rename(columns=lambda name: str(name).strip())
    if target not in frame.columns:
        raise SourceError(
            f"{source}: no target column {quote(target)} (params.yaml data.target); "
            f"found columns {quote_all(frame.columns)}"
        )
    return frame


def run(params: Params) -> None:
    frame = load_source(params.data.source, params.data.target)
    write_csv(frame, params.data.raw_path)
    print(
        f"ingest: {len(frame)} rows x {frame.shape[1]} columns from {params.data.source} "
        f"-> {params.data.raw_path}"
    )

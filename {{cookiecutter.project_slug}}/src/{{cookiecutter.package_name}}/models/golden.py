"""The reference model of the golden-accuracy tests, and ``make golden-update``.

The golden tests (``tests/golden/``) retrain the model exactly as ``dvc repro`` does -
same source, same contract, same split, same seed, same ``params.yaml`` - but in
memory, so they need no ``dvc pull``. They then hold it to the committed goldens:

- ``metrics.json``: per metric ``{value, tolerance, direction}``; a metric may improve
  freely, but not fall more than ``tolerance`` on the wrong side of ``value``;
- ``inputs.csv`` + ``predictions.json``: a few fixed rows and the probability the
  model gave each; a probability may not move more than the file's tolerance.

When a change is meant to move them (a new feature, a new model), run
``make golden-update``: it rewrites the goldens, keeping the tolerances, and prints old
against new for the reviewer of the merge request. CI never runs it.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from {{ cookiecutter.package_name }}.config import DEFAULT_PARAMS_PATH, Params, load_params
from {{ cookiecutter.package_name }}.data.contract import (
    Contract,
    csv_dtypes,
    load_contract,
    read_dataset,
)
from {{ cookiecutter.package_name }}.data.files import read_csv, write_csv
from {{ cookiecutter.package_name }}.data.ingest import SKLEARN_PREFIX, load_source
from {{ cookiecutter.package_name }}.data.validate import check, split
from {{ cookiecutter.package_name }}.errors import InputError
from {{ cookiecutter.package_name }}.io import write_text
from {{ cookiecutter.package_name }}.models import evaluate, train

GOLDEN_DIR = Path("tests/golden")
# "higher": larger is better; "lower": smaller is better (Brier score is an error).
DIRECTIONS = {
    "accuracy": "higher",
    "roc_auc": "higher",
    "f1": "higher",
    "precision": "higher",
    "recall": "higher",
    "brier": "lower",
}
# Starting tolerances, about two test rows' worth on the bundled data; `golden-update`
# keeps whatever the committed file says, so a team tunes them there.
DEFAULT_TOLERANCES = {
    "accuracy": 0.015,
    "roc_auc": 0.01,
    "f1": 0.015,
    "precision": 0.02,
    "recall": 0.02,
    "brier": 0.01,
}
PREDICTION_TOLERANCE = 0.001
GOLDEN_ROWS = 20


@dataclass(frozen=True)
class Reference:
    """A model trained the pipeline's way, with the data it saw and its test metrics."""

    params: Params
    contract: Contract
    train: pd.DataFrame
    test: pd.DataFrame
    pipeline: Any
    metrics: dict[str, float]


def _resolved(params: Params, root: Path) -> Params:
    """``params`` with its input paths made absolute against ``root`` (the project)."""
    data = params.data
    source = data.source
    if not source.startswith(SKLEARN_PREFIX):
        source = str(root / source)
    return replace(params, data=replace(data, source=source, contract=str(root / data.contract)))


def train_reference(params: Params, root: Path = Path()) -> Reference:
    """Ingest, validate, split, train and score as the DVC stages do, without their files.

    The raw data takes the same CSV round trip as in the pipeline (through a temporary
    folder), so the types each stage sees, and so the numbers, are the pipeline's.
    """
    params = _resolved(params, root)
    data = params.data
    contract = load_contract(data.contract, data.target)
    with tempfile.TemporaryDirectory() as folder:
        raw_path = Path(folder) / "dataset.csv"
        write_csv(load_source(data.source, data.target), raw_path)
        raw = read_csv(raw_path, dtype=csv_dtypes(contract))
        checked = check(raw, contract, data.source)
        train_rows, test_rows = split(checked.frame, data.target, data.test_size, params.seed)
        write_csv(train_rows, Path(folder) / "train.csv")
        write_csv(test_rows, Path(folder) / "test.csv")
        train_frame = read_dataset(Path(folder) / "train.csv", contract)
        test_frame = read_dataset(Path(folder) / "test.csv", contract)
    pipeline = train.fit(train_frame, params, contract)
    scores = evaluate.score(pipeline, test_frame, contract, params.evaluate.threshold)
    return Reference(params, contract, train_frame, test_frame, pipeline, evaluate.metrics(scores))


def golden_inputs(reference: Reference) -> pd.DataFrame:
    """``GOLDEN_ROWS`` test rows spread evenly over the predicted probability.

    Rows near the decision boundary move first when the model changes, confident rows
    show gross breakage; an even spread watches both.
    """
    test = reference.test
    probability = evaluate.positive_probability(
        reference.pipeline, test[reference.contract.feature_columns], reference.contract
    )
    order = np.argsort(probability, kind="stable")
    picks = np.unique(np.linspace(0, len(order) - 1, num=min(GOLDEN_ROWS, len(order))).round())
    chosen: pd.DataFrame = test.iloc[order[picks.astype(int)]].reset_index(drop=True)
    return chosen


def golden_predictions(pipeline: Any, inputs: pd.DataFrame, contract: Contract) -> list[float]:
    probability = evaluate.positive_probability(
        pipeline, inputs[contract.feature_columns], contract
    )
    return [float(value) for value in probability]


def metric_regressions(found: Mapping[str, float], goldens: Mapping[str, Any]) -> list[str]:
    """One message per metric that is worse than its golden by more than its tolerance.

    Direction-aware: for a "higher" metric only a value below ``value - tolerance``
    fails, for a "lower" one only a value above ``value + tolerance``; improving never
    fails (refresh the golden with ``make golden-update`` to lock an improvement in).
    """
    messages = []
    for name, golden in goldens.items():
        value, tolerance, direction = golden["value"], golden["tolerance"], golden["direction"]
        if name not in found:
            messages.append(f"{name}: golden {value} but the evaluation no longer reports it")
            continue
        limit = value - tolerance if direction == "higher" else value + tolerance
        worse = found[name] < limit if direction == "higher" else found[name] > limit
        if worse:
            messages.append(
                f"{name}: golden {value}, found {found[name]:.6f}, tolerance {tolerance} "
                f"({direction} is better; worst accepted {limit:.6f})"
            )
    return messages


def prediction_moves(
    found: Sequence[float], golden: Sequence[float], tolerance: float
) -> list[str]:
    """One message per golden row whose probability moved more than ``tolerance``."""
    if len(found) != len(golden):
        return [f"expected {len(golden)} golden predictions, found {len(found)}"]
    return [
        f"row {row}: golden {old:.6f}, found {new:.6f}, moved {abs(new - old):.6f} > {tolerance}"
        for row, (new, old) in enumerate(zip(found, golden, strict=True))
        if abs(new - old) > tolerance
    ]


def _old(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def update(params: Params, root: Path, golden_dir: Path) -> str:
    """Rewrite the goldens from a fresh reference model; return an old-versus-new report."""
    reference = train_reference(params, root)
    old_metrics = _old(golden_dir / "metrics.json")
    old_predictions = _old(golden_dir / "predictions.json")
    new_metrics = {
        name: {
            "value": round(value, 6),
            "tolerance": old_metrics.get(name, {}).get("tolerance", DEFAULT_TOLERANCES[name]),
            "direction": DIRECTIONS[name],
        }
        for name, value in reference.metrics.items()
    }
    inputs = golden_inputs(reference)
    probabilities = golden_predictions(reference.pipeline, inputs, reference.contract)
    new_predictions = {
        "tolerance": old_predictions.get("tolerance", PREDICTION_TOLERANCE),
        "positive": reference.contract.target.positive,
        "probabilities": [round(value, 6) for value in probabilities],
    }
    lines = [f"{'metric':<12}{'old':>12}{'new':>12}{'change':>12}  (tolerance, better)"]
    for name, entry in new_metrics.items():
        before = old_metrics.get(name, {}).get("value")
        change = "new" if before is None else f"{entry['value'] - before:+.6f}"
        shown = "-" if before is None else f"{before:.6f}"
        lines.append(
            f"{name:<12}{shown:>12}{entry['value']:>12.6f}{change:>12}  "
            f"({entry['tolerance']}, {entry['direction']})"
        )
    before_probabilities = old_predictions.get("probabilities", [])
    if len(before_probabilities) == len(probabilities):
        moved = max(
            (abs(new - old) for new, old in zip(probabilities, before_probabilities, strict=True)),
            default=0.0,
        )
        lines.append(f"predictions: {len(probabilities)} rows; largest move {moved:.6f}")
    else:
        lines.append(f"predictions: {len(probabilities)} rows written (none to compare before)")
    write_text(json.dumps(new_metrics, indent=2) + "\n", golden_dir / "metrics.json")
    write_csv(inputs, golden_dir / "inputs.csv")
    write_text(json.dumps(new_predictions, indent=2) + "\n", golden_dir / "predictions.json")
    lines.append(
        f"wrote {golden_dir}/metrics.json, inputs.csv, predictions.json; review and commit"
    )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m {{ cookiecutter.package_name }}.models.golden",
        description="Regenerate the golden-accuracy files from params.yaml and show old vs new.",
    )
    parser.add_argument("--params", type=Path, default=DEFAULT_PARAMS_PATH)
    parser.add_argument("--golden-dir", type=Path, default=GOLDEN_DIR)
    args = parser.parse_args(argv)
    try:
        print(update(load_params(args.params), Path(), args.golden_dir))
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

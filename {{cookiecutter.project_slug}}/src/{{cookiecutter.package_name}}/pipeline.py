"""The pipeline in memory: ingest -> validate -> split -> train -> evaluate.

``dvc repro`` runs the stages one process each, every stage reading the files the one
before wrote. :func:`run` runs the same stage functions in one process, with no file
left behind, for whoever needs a model trained exactly as the pipeline trains it
without ``dvc pull``: the golden-accuracy tests and ``golden-update`` today. Each
stage's ``run`` stays the thin wrapper that reads and writes the files DVC tracks, so
a change to a stage's function changes both ways of running it.

The data takes the same CSV round trips as in the pipeline (through a temporary
folder), so the types each stage sees, and so the numbers, are the pipeline's.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from {{ cookiecutter.package_name }}.config import SKLEARN_PREFIX, Params
from {{ cookiecutter.package_name }}.data import ingest, validate
from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract, read_dataset
from {{ cookiecutter.package_name }}.data.files import write_csv
from {{ cookiecutter.package_name }}.models import evaluate, train
from {{ cookiecutter.package_name }}.models.metrics import Scores


@dataclass(frozen=True)
class Trained:
    """A model trained the pipeline's way, with the data it saw and its test scores."""

    params: Params
    contract: Contract
    train: pd.DataFrame
    test: pd.DataFrame
    pipeline: Any  # the fitted features + model pipeline, as train saves it
    scores: Scores
    measured: list[evaluate.Measured]  # every metric, overall then per slice value

    @property
    def metrics(self) -> dict[str, float]:
        return evaluate.metrics(self.measured)


def resolved(params: Params, root: Path) -> Params:
    """``params`` with its input paths made absolute against ``root`` (the project)."""
    data = params.data
    source = data.source
    if not source.startswith(SKLEARN_PREFIX):
        source = str(root / source)
    return replace(params, data=replace(data, source=source, contract=str(root / data.contract)))


def _through_csv(frame: pd.DataFrame, path: Path) -> Path:
    write_csv(frame, path)
    return path


def run(params: Params, root: Path = Path()) -> Trained:
    """Every stage's function in order, as ``dvc repro`` calls them, without their files.

    ``root`` is the project folder that ``params``' relative input paths start from.
    """
    params = resolved(params, root)
    data = params.data
    contract = load_contract(data.contract, data.target)
    with tempfile.TemporaryDirectory() as folder:
        raw = _through_csv(ingest.load_source(data.source, data.target), Path(folder) / "raw.csv")
        split = validate.validate(
            validate.read_raw(raw, contract), contract, data, params.seed, data.source
        )
        train_frame = read_dataset(_through_csv(split.train, Path(folder) / "train.csv"), contract)
        test_frame = read_dataset(_through_csv(split.test, Path(folder) / "test.csv"), contract)
    pipeline = train.fit(train_frame, params, contract)
    scores = evaluate.score(pipeline, test_frame, contract, params.evaluate.threshold)
    measured = evaluate.measure(scores, test_frame, contract)
    measured.append(
        evaluate.audit(pipeline, train_frame, scores, contract, params.evaluate.threshold)
    )
    return Trained(params, contract, train_frame, test_frame, pipeline, scores, measured)

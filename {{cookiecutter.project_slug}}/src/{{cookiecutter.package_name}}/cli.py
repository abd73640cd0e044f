"""The one command of the project: ``{{ cookiecutter.package_name }} <stage>``.

Each subcommand is a stage of the pipeline (``dvc.yaml`` calls them in order). A
stage's module is imported only when that stage runs, so ``--help`` answers at
once instead of paying for pandas and scikit-learn.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from {{ cookiecutter.package_name }} import __version__
from {{ cookiecutter.package_name }}.config import (
    DEFAULT_PARAMS_PATH,
    Params,
    as_dict,
    current_environment,
    load_params,
)
from {{ cookiecutter.package_name }}.errors import InputError


@dataclass(frozen=True)
class Stage:
    """A subcommand: where its ``run(params)`` lives and what it does."""

    module: str
    summary: str
    description: str

    def load(self) -> Callable[[Params], None]:
        module = importlib.import_module(f"{__package__}.{self.module}")
        run: Callable[[Params], None] = module.run
        return run


STAGES: dict[str, Stage] = {
    "ingest": Stage(
        "data.ingest",
        "copy the dataset named by data.source to data.raw_path",
        "Read data.source - 'sklearn:<name>' (bundled with scikit-learn, offline) or the path "
        "of a CSV file - and write it, normalised, to data.raw_path with the label column "
        "named data.target. Later stages read that file only.",
    ),
    "validate": Stage(
        "data.validate",
        "check data.raw_path against the contract, then split it into train and test",
        "Drop rows without a target (counted), check every value of data.raw_path against "
        "the contract data.contract (types, ranges, empty cells, categories, uniqueness, "
        "target values) and write a stratified split (seed, data.test_size) to "
        "data.train_path and data.test_path. A violation stops here with the file, column, "
        "rule and offending lines, and nothing is written.",
    ),
    "train": Stage(
        "models.train",
        "fit the features + model pipeline on data.train_path and save it",
        "Fit build_preprocessor (params features:) and the classifier train.model "
        "(logistic_regression or random_forest, seeded) on data.train_path, with the "
        "feature columns of the contract; check the preprocessed features are finite "
        "floats; save the one pipeline to train.model_path.",
    ),
    "evaluate": Stage(
        "models.evaluate",
        "score the saved model on data.test_path; write metrics and plots",
        "Score train.model_path on data.test_path at evaluate.threshold; write accuracy, "
        "roc_auc, f1, precision, recall and brier to evaluate.metrics_path, and the ROC, "
        "confusion-matrix and calibration plots (CSV for `dvc plots`, and PNG) to "
        "evaluate.plots_dir.",
    ),
}


def _show_config(params: Params) -> None:
    print(json.dumps({"environment": current_environment(), "params": as_dict(params)}, indent=2))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.package_name }}",
        description="{{ cookiecutter.description }} Each subcommand is one pipeline stage; "
        "`dvc repro` runs them in order.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--params",
        type=Path,
        default=DEFAULT_PARAMS_PATH,
        help="parameter file to read (default: %(default)s)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    commands.add_parser(
        "show-config",
        help="print the checked parameters and the environment as JSON",
        description="Read params.yaml, check every key and type, and print the result "
        "with the deployment environment ({{ cookiecutter.package_name.upper() }}_ENV).",
    )
    for name, stage in STAGES.items():
        commands.add_parser(name, help=stage.summary, description=stage.description)
    run = commands.add_parser(
        "pipeline",
        help="run the DVC pipeline (what `make pipeline` does); a failure loses nothing",
        description="Check params.yaml, then run `dvc repro` (only the stages whose inputs "
        "changed). If a stage fails or the run is interrupted, put the last good outputs "
        "back in place (dvc checkout for cached ones, a copy taken before the run for the "
        "metrics kept in git) and name the stage. After a successful run, show the metrics "
        "and say which files to commit.",
    )
    run.add_argument("stages", nargs="*", help="stages to reproduce (default: all)")
    draft = commands.add_parser(
        "draft-contract",
        help="write a first data contract for a new CSV file, to review",
        description="Read CSV and draft contracts/<name>.yaml from it: each column's type, "
        "empty cells, categories and widened range bounds (the observed range as a "
        "comment), and the target's two classes. Review it before use: see "
        "docs/adding-a-dataset.md.",
    )
    draft.add_argument("csv", type=Path, help="the CSV file to describe")
    draft.add_argument("--target", required=True, help="the label column (binary)")
    draft.add_argument(
        "--output", type=Path, help="contract file to create (default: print to stdout)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "draft-contract":
            from {{ cookiecutter.package_name }}.data import draft

            draft.run(args.csv, args.target, args.output)
            return 0
        params = load_params(args.params)
        if args.command == "show-config":
            _show_config(params)
        elif args.command == "pipeline":
            from {{ cookiecutter.package_name }} import repro

            return repro.pipeline(args.params.resolve().parent, args.stages)
        else:
            STAGES[args.command].load()(params)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0

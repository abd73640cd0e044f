"""The one command of the project: ``{{ cookiecutter.package_name }} <command> [arguments]``.

Every command is one row of :data:`COMMANDS`: its name, a one-line summary for
``--help``, a description, the arguments it takes and the function that runs it. The
pipeline stages are rows too (``dvc.yaml`` calls them in order). A command imports the
module that does its work only when it runs, so ``--help`` answers at once instead of
paying for pandas and scikit-learn. A new command (``registry``, ``serve``, ...) is a
new row.
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
    ENVIRONMENTS,
    as_dict,
    current_environment,
    load_params,
    registry_url,
)
from {{ cookiecutter.package_name }}.errors import InputError


def no_arguments(parser: argparse.ArgumentParser) -> None:
    """A command that takes no arguments of its own (``--params`` is everyone's)."""


@dataclass(frozen=True)
class Command:
    """A subcommand: its ``--help`` texts, its arguments, and what runs it.

    ``run`` gets the parsed arguments (``args.params`` is the parameter file) and
    returns the exit code; an :class:`InputError` it raises becomes one ``error:``
    line and exit 2. ``stage`` is the module of a pipeline stage, whose ``run(params)``
    the command calls (``tools/bench.py`` times the stages by it); ``None`` otherwise.
    """

    name: str
    summary: str
    description: str
    run: Callable[[argparse.Namespace], int]
    add_arguments: Callable[[argparse.ArgumentParser], None] = no_arguments
    stage: str | None = None


def stage_command(name: str, module: str, summary: str, description: str) -> Command:
    """The command of a pipeline stage: check params.yaml, then the stage's ``run(params)``."""

    def run(args: argparse.Namespace) -> int:
        params = load_params(args.params)
        importlib.import_module(f"{__package__}.{module}").run(params)
        return 0

    return Command(name, summary, description, run, stage=module)


def show_config(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    print(json.dumps({"environment": current_environment(), "params": as_dict(params)}, indent=2))
    return 0


def pipeline(args: argparse.Namespace) -> int:
    load_params(args.params)  # a bad knob stops here, before DVC deletes any output
    from {{ cookiecutter.package_name }} import repro

    return repro.pipeline(args.params.resolve().parent, args.stages)


def pipeline_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stages", nargs="*", help="stages to reproduce (default: all)")


def draft_contract(args: argparse.Namespace) -> int:
    from {{ cookiecutter.package_name }}.data import draft

    draft.run(args.csv, args.target, args.output)
    return 0


def draft_contract_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("csv", type=Path, help="the CSV file to describe")
    parser.add_argument(
        "--target", required=True, help="the column to predict (its values set the task)"
    )
    parser.add_argument(
        "--output", type=Path, help="contract file to create (default: print to stdout)"
    )


def predict(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    if args.env is not None:
        from {{ cookiecutter.package_name }}.serving import batch

        batch.run(registry_url(args.registry), args.env, args.rows, args.output, args.chunk_rows)
        return 0
    from {{ cookiecutter.package_name }}.models import predict as predict_module

    predict_module.run(params, args.rows, args.output)
    return 0


def registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry",
        help="the model registry: a folder or an s3://, gs://, az:// URL "
        "(default: ${{ cookiecutter.package_name.upper() }}_REGISTRY, else registry/)",
    )


def predict_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "rows", type=Path, help="file of rows to score: CSV, or Parquet (.parquet) with --env"
    )
    parser.add_argument(
        "output", type=Path, help="file to write the predictions to (CSV or .parquet)"
    )
    parser.add_argument(
        "--env",
        choices=ENVIRONMENTS,
        help="score with the version this environment's alias holds in the registry "
        "(the serving path), instead of the local train.model_path",
    )
    parser.add_argument(
        "--chunk-rows",
        type=int,
        default=100_000,
        help="with --env: rows read and scored at a time (default: %(default)s)",
    )
    registry_option(parser)


def registry(args: argparse.Namespace) -> int:
    from {{ cookiecutter.package_name }}.registry import commands

    return commands.run(args)


def registry_arguments(parser: argparse.ArgumentParser) -> None:
    # registry.commands imports argparse and config only, so --help stays fast.
    from {{ cookiecutter.package_name }}.registry import commands

    commands.add_arguments(parser)


def serve(args: argparse.Namespace) -> int:
    from {{ cookiecutter.package_name }}.serving import server

    return server.run(
        registry_url(args.registry),
        args.env,
        args.host,
        args.port,
        args.poll_interval,
        args.record,
        args.record_rate,
    )


def serve_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--env",
        choices=ENVIRONMENTS,
        default=None,
        help="the environment whose alias to follow (default: ${{ cookiecutter.package_name.upper() }}_ENV, else dev)",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: %(default)s)"
    )
    parser.add_argument("--port", type=int, default=8000, help="port (default: %(default)s)")
    parser.add_argument(
        "--poll-interval",
        type=float,
        default=5.0,
        help="seconds between two reads of the alias (default: %(default)s)",
    )
    parser.add_argument(
        "--record",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="keep a sample of the records scored in FOLDER/<version>/ for `monitor` "
        "(feature columns only; default: off)",
    )
    parser.add_argument(
        "--record-rate",
        type=float,
        default=0.05,
        help="the share of records kept with --record, above 0 and at most 1 (default: %(default)s)",
    )
    registry_option(parser)


def monitor(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    from {{ cookiecutter.package_name }}.monitoring import run

    env = args.env or current_environment()
    url = registry_url(args.registry)
    return run.run(url, env, args.version, args.batch, args.out, params.monitoring)


def monitor_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "batch", type=Path, help="the batch: a CSV or Parquet file, or a folder of them"
    )
    which = parser.add_mutually_exclusive_group()
    which.add_argument(
        "--env",
        choices=ENVIRONMENTS,
        help="compare with the version this environment's alias holds "
        "(default: ${{ cookiecutter.package_name.upper() }}_ENV, else dev)",
    )
    which.add_argument("--version", help="compare with this version instead")
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("reports/monitoring"),
        help="folder of drift.json, drift.md and drift.html (default: %(default)s)",
    )
    registry_option(parser)


def golden_update(args: argparse.Namespace) -> int:
    params = load_params(args.params)
    from {{ cookiecutter.package_name }} import golden

    print(golden.update(params, Path(), args.golden_dir))
    return 0


def golden_update_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--golden-dir",
        type=Path,
        default=Path("tests/golden"),
        help="folder of the goldens to rewrite (default: %(default)s)",
    )


COMMANDS: tuple[Command, ...] = (
    Command(
        "show-config",
        "print the checked parameters and the environment as JSON",
        "Read params.yaml, check every key and type, and print the result "
        "with the deployment environment ({{ cookiecutter.package_name.upper() }}_ENV).",
        show_config,
    ),
    stage_command(
        "ingest",
        "data.ingest",
        "copy the dataset named by data.source to data.raw_path",
        "Read data.source - 'sklearn:<name>' (bundled with scikit-learn, offline) or the path "
        "of a CSV file - and write it, normalised, to data.raw_path with the label column "
        "named data.target. Later stages read that file only.",
    ),
    stage_command(
        "validate",
        "data.validate",
        "check data.raw_path against the contract, then split it into train and test",
        "Drop rows without a target (counted), check every value of data.raw_path against "
        "the contract data.contract (types, ranges, empty cells, categories, uniqueness, "
        "target values) and write a stratified split (seed, data.test_size) to "
        "data.train_path and data.test_path. A violation stops here with the file, column, "
        "rule and offending lines, and nothing is written.",
    ),
    stage_command(
        "train",
        "models.train",
        "fit the features + model pipeline on data.train_path and save it",
        "Fit build_preprocessor (params features:) and train.model (linear, random_forest "
        "or hist_gradient_boosting, seeded; a classifier or a regressor as the contract's "
        "target says) on "
        "data.train_path, with the feature columns of the contract; check the "
        "preprocessed features are finite "
        "floats; save the one pipeline to train.model_path.",
    ),
    stage_command(
        "evaluate",
        "models.evaluate",
        "score the saved model on data.test_path; write metrics and plots",
        "Score train.model_path on data.test_path; write the metrics of the contract's "
        "task (models/metrics.py), overall and per value of each slice column, to "
        "evaluate.metrics_path, and the task's plots (CSV for `dvc plots`, and PNG) to "
        "evaluate.plots_dir.",
    ),
    Command(
        "pipeline",
        "run the DVC pipeline (what `make pipeline` does); a failure loses nothing",
        "Check params.yaml, then run `dvc repro` (only the stages whose inputs "
        "changed). If a stage fails or the run is interrupted, put the last good outputs "
        "back in place (dvc checkout for cached ones, a copy taken before the run for the "
        "metrics kept in git) and name the stage. After a successful run, show the metrics "
        "and say which files to commit.",
        pipeline,
        pipeline_arguments,
    ),
    Command(
        "draft-contract",
        "write a first data contract for a new CSV file, to review",
        "Read CSV and draft contracts/<name>.yaml from it: each column's type, "
        "empty cells, categories and widened range bounds (the observed range as a "
        "comment), and the target with the task it implies (binary, multiclass or "
        "regression). Review it before use: see "
        "docs/adding-a-dataset.md.",
        draft_contract,
        draft_contract_arguments,
    ),
    Command(
        "predict",
        "score the rows of a CSV file with the saved model",
        "Check the rows against the contract (the target may be absent or empty), score "
        "them with train.model_path and write, atomically, their columns that are not "
        "features, the prediction (a class: for a binary target the positive one from "
        "evaluate.threshold on; or a number) and, for classes, probability_<class> for "
        "each class of the contract.",
        predict,
        predict_arguments,
    ),
    Command(
        "registry",
        "publish, promote, roll back and inspect model versions (registry -h)",
        "The model registry: `publish` stores the model the pipeline produced as an "
        "immutable version with its metadata and model card; `promote` and `rollback` move "
        "an environment's alias (dev, test, uat, live); `list`, `history` and `show` "
        "inspect it.",
        registry,
        registry_arguments,
    ),
    Command(
        "serve",
        "serve the model an environment's alias holds over HTTP; follow the alias",
        "Answer POST /predict with the version the environment's alias holds, checking each "
        "record against the version's contract; GET /health, /ready, /version and /metrics "
        "(Prometheus). The alias is read every --poll-interval seconds: a new version is "
        "loaded and verified in the background and swapped in atomically; a version that "
        "fails to load or verify is refused and the old one keeps serving.",
        serve,
        serve_arguments,
    ),
    Command(
        "monitor",
        "compare a batch with the serving version's training data; exit 1 on drift",
        "Check the batch (a CSV or Parquet file, or a folder of them) against the contract "
        "of the version an environment's alias holds, score it, and compare each feature "
        "and the predictions with the version's reference profile in one streaming pass: "
        "PSI, Kolmogorov-Smirnov or chi-square, missing rates, unseen categories "
        "(thresholds: params.yaml monitoring:). Write drift.json, drift.md and drift.html "
        "to --out; exit 1 on an alert, naming each feature and what moved.",
        monitor,
        monitor_arguments,
    ),
    Command(
        "golden-update",
        "rewrite tests/golden/ after a reviewed, intended change; prints old vs new",
        "Train the model as `dvc repro` does, in memory, and rewrite the goldens the "
        "golden-accuracy tests compare against (metrics.json, inputs.csv, "
        "predictions.json), keeping their tolerances; print each metric old against new "
        "for the reviewer. Run it only after a change meant to move the model (a new "
        "feature, model or dataset), and commit the result. CI never runs it.",
        golden_update,
        golden_update_arguments,
    ),
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="{{ cookiecutter.package_name }}",
        description="{{ cookiecutter.description }} Each pipeline stage is a subcommand; "
        "`dvc repro` runs them in order.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument(
        "--params",
        type=Path,
        default=DEFAULT_PARAMS_PATH,
        help="parameter file to read (default: %(default)s)",
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_arguments(
            subparsers.add_parser(
                command.name, help=command.summary, description=command.description
            )
        )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = next(command for command in COMMANDS if command.name == args.command)
    try:
        return command.run(args)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2

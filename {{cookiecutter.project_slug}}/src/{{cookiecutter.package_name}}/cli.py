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
    InputError,
    Params,
    as_dict,
    current_environment,
    load_params,
)


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


STAGES: dict[str, Stage] = {}


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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        params = load_params(args.params)
        if args.command == "show-config":
            _show_config(params)
        else:
            STAGES[args.command].load()(params)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    return 0

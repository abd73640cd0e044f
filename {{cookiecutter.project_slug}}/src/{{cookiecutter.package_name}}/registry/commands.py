"""The ``registry`` command: publish, promote, rollback, list, history and show.

The command line builds every command's parser whenever it starts, so this module
imports only argparse, the standard library and the config at its top; the store, the
model and pandas are imported inside :func:`run`, when a registry action really runs.
"""

from __future__ import annotations

import argparse
import getpass

from {{ cookiecutter.package_name }}.config import ENVIRONMENTS, registry_url


def default_who() -> str:
    """Who runs the command: the login name, or ``unknown`` where there is none."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return "unknown"


def _registry_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--registry",
        default=None,
        help="the model registry: a folder or an s3://, gs://, az:// URL "
        "(default: ${{ cookiecutter.package_name.upper() }}_REGISTRY, else registry/)",
    )


def _env_option(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--env", required=True, choices=ENVIRONMENTS, help=what)


def _who_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--who",
        default=None,
        help="who does it, recorded in the alias's history (default: the login name)",
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The registry's actions, each a sub-command with its options."""
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    publish = actions.add_parser(
        "publish",
        help="store the model the pipeline just produced as a new, immutable version",
        description="Store train.model_path (checked against dvc.lock) with its lean export, "
        "contract, metrics, params, data hash, git commit, reference profile and model card "
        "as a new version; print its id alone on the last line.",
    )
    _registry_option(publish)
    promote = actions.add_parser(
        "promote",
        help="point an environment's alias at a version (refused if its metrics are worse)",
        description="Point the alias of --env at VERSION. A version whose metrics are worse "
        "than those of the version the alias holds is refused unless --force --reason TEXT; "
        "who, when and why are recorded.",
    )
    promote.add_argument("version", metavar="VERSION", help="the version to promote")
    _env_option(promote, "the environment whose alias to move")
    promote.add_argument(
        "--force", action="store_true", help="promote even if the metrics are worse"
    )
    promote.add_argument("--reason", default=None, help="why (required with --force)")
    _who_option(promote)
    _registry_option(promote)
    rollback = actions.add_parser(
        "rollback",
        help="point an environment's alias back at its previous version",
        description="Point the alias of --env back at the version it held before the "
        "last promotion; recorded in its history.",
    )
    _env_option(rollback, "the environment whose alias to move back")
    _who_option(rollback)
    _registry_option(rollback)
    listing = actions.add_parser(
        "list",
        help="the versions, oldest first, with their metrics and aliases",
        description="One line per version: id, creation time, task, main metrics and the "
        "environments whose alias holds it.",
    )
    _registry_option(listing)
    history = actions.add_parser(
        "history",
        help="the promotions and rollbacks of an environment, oldest first",
        description="Every promotion and rollback of --env's alias: when, what, the version "
        "before, who and why.",
    )
    _env_option(history, "the environment whose history to print")
    _registry_option(history)
    show = actions.add_parser(
        "show",
        help="print a version's model card and the checksum of each of its files",
        description="Print VERSION's model card (read it before promoting to live), then its "
        "metadata summary and the sha256 of each of its files.",
    )
    show.add_argument("version", metavar="VERSION", help="the version to show")
    _registry_option(show)


def run(args: argparse.Namespace) -> int:
    """Run the registry action ``args.action``; an :class:`InputError` is the CLI's to report."""
    from {{ cookiecutter.package_name }}.registry import actions

    return actions.run(args, registry_url(args.registry))

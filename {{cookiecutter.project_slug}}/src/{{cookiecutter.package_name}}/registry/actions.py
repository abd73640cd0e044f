"""What each ``registry`` action does: publish the pipeline's model, move aliases, inspect.

:func:`publish_pipeline_output` publishes only the model the pipeline produced as it
stands: ``train.model_path`` must have the md5 ``dvc.lock`` records for the train
stage, so a model trained by hand, or one whose inputs changed since, cannot reach the
registry under the pipeline's name. Everything a version needs later (serving,
monitoring, a reviewer, an audit) is gathered into its files at that moment.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from {{ cookiecutter.package_name }}.config import Params, as_dict, load_params
from {{ cookiecutter.package_name }}.data.contract import Contract, load_contract, read_dataset
from {{ cookiecutter.package_name }}.errors import quote
from {{ cookiecutter.package_name }}.registry.commands import default_who
from {{ cookiecutter.package_name }}.registry.gate import target_metadata
from {{ cookiecutter.package_name }}.registry.store import (
    METADATA,
    Registry,
    RegistryError,
    utc_now,
)

GOLDEN_METRICS = Path("tests/golden/metrics.json")
LIST_METRICS = 3  # the first metrics of the task's table shown by `list`


def locked_md5(root: Path, stage: str, section: str, path: str) -> str:
    """The md5 dvc.lock records for ``path`` among ``stage``'s ``section`` (deps, outs)."""
    lock = root / "dvc.lock"
    rerun = "run `make pipeline` first"
    if not lock.is_file():
        raise RegistryError(
            f"{lock}: not found; publish takes the model `make pipeline` produced and checks "
            f"it against dvc.lock: {rerun}"
        )
    try:
        entries = yaml.safe_load(lock.read_text(encoding="utf-8"))["stages"][stage][section]
    except (yaml.YAMLError, KeyError, TypeError) as error:
        raise RegistryError(
            f"{lock}: expected the {stage} stage's {section} written by DVC, found none: {rerun}"
        ) from error
    wanted = (root / path).resolve()
    for entry in entries:
        if (root / str(entry.get("path", ""))).resolve() == wanted:
            return str(entry["md5"])
    raise RegistryError(f"{lock}: the {stage} stage lists no {section} {quote(path)}: {rerun}")


def md5_of(path: Path) -> str:
    if not path.is_file():
        raise RegistryError(f"{path}: not found; run `make pipeline` first")
    return hashlib.md5(path.read_bytes(), usedforsecurity=False).hexdigest()


def check_output(root: Path, stage: str, path: str) -> str:
    """``path``'s md5, refused unless it is the one dvc.lock records for ``stage``."""
    expected, found = locked_md5(root, stage, "outs", path), md5_of(root / path)
    if found != expected:
        raise RegistryError(
            f"{root / path}: md5 {found}, but dvc.lock records {expected} for the {stage} "
            "stage: this is not the file the pipeline produced; run `make pipeline` "
            "before publishing"
        )
    return found


def check_input(root: Path, stage: str, path: str) -> None:
    """``path`` is still the file ``stage`` read when the pipeline last ran it."""
    expected, found = locked_md5(root, stage, "deps", path), md5_of(root / path)
    if found != expected:
        raise RegistryError(
            f"{root / path}: md5 {found}, but dvc.lock records {expected} for the {stage} "
            "stage's input: the data changed since the model was trained; run "
            "`make pipeline` before publishing"
        )


def git_state(root: Path) -> dict[str, Any]:
    """The commit checked out and whether the tree has changes; "unknown" outside git."""

    def git(*arguments: str) -> str | None:
        try:
            done = subprocess.run(  # noqa: S603 - git with fixed arguments
                ["git", *arguments],  # noqa: S607
                cwd=root,
                capture_output=True,
                text=True,
                check=False,
            )
        except OSError:  # no git installed
            return None
        return done.stdout.strip() if done.returncode == 0 else None

    commit = git("rev-parse", "HEAD")
    status = git("status", "--porcelain")
    return {"commit": commit or "unknown", "dirty": None if status is None else bool(status)}


def project_description(root: Path) -> tuple[str, str]:
    """The project's name and description, from pyproject.toml's [project] table."""
    path = root / "pyproject.toml"
    try:
        project = tomllib.loads(path.read_text(encoding="utf-8")).get("project", {})
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise RegistryError(f"{path}: cannot read the project's description ({error})") from error
    return str(project.get("name", root.name)), str(project.get("description", ""))


def read_json(path: Path, expected: str) -> dict[str, Any]:
    """A JSON object from ``path``; anything else is one error naming the file."""
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise RegistryError(
            f"{path}: expected {expected} (a JSON object), found: {error}"
        ) from error
    if not isinstance(found, dict):
        raise RegistryError(
            f"{path}: expected {expected} (a JSON object), found {type(found).__name__}"
        )
    return found


def goldens(root: Path) -> dict[str, Any]:
    """tests/golden/metrics.json (name -> value, tolerance, direction); empty if none."""
    path = root / GOLDEN_METRICS
    if not path.is_file():
        return {}
    return read_json(path, "the goldens of golden-update")


def input_schema(contract: Contract) -> list[dict[str, Any]]:
    """Each feature column's rule in the contract's order, as JSON (contract.yaml in full)."""
    return [
        {
            "name": rule.name,
            "dtype": rule.dtype,
            "nullable": rule.nullable,
            "min": rule.minimum,
            "max": rule.maximum,
            "categories": None if rule.categories is None else list(rule.categories),
            "format": rule.date_format,  # datetime columns: format and bounds (UTC)
            "earliest": None if rule.earliest is None else rule.earliest.isoformat(),
            "latest": None if rule.latest is None else rule.latest.isoformat(),
        }
        for rule in contract.columns
        if rule.feature
    ]


def slice_rows(test: Any, contract: Contract) -> dict[str, int]:
    """The test rows of each value of each slice column: ``{"sex=2": 41}``."""
    rows: dict[str, int] = {}
    for column in contract.slices:
        counts = test[column].astype("string").value_counts()
        rows.update({f"{column}={value}": int(count) for value, count in counts.items()})
    return rows


def publish_pipeline_output(params: Params, root: Path, registry: Registry) -> str:
    """Publish ``train.model_path`` with everything a version keeps; return the new id."""
    from {{ cookiecutter.package_name }}.models.evaluate import decide, load_model
    from {{ cookiecutter.package_name }}.models.lean import LeanModel
    from {{ cookiecutter.package_name }}.monitoring.profile import profile
    from {{ cookiecutter.package_name }}.registry import card

    data = params.data
    model_md5 = check_output(root, "train", params.train.model_path)
    metrics_md5 = check_output(root, "evaluate", params.evaluate.metrics_path)
    check_input(root, "train", data.train_path)
    check_input(root, "evaluate", data.test_path)
    print(f"{params.train.model_path}: the train stage's output in dvc.lock (md5 {model_md5})")
    contract = load_contract(root / data.contract, data.target)
    train, test = (
        read_dataset(root / data.train_path, contract),
        read_dataset(root / data.test_path, contract),
    )
    model_bytes = (root / params.train.model_path).read_bytes()
    pipeline = load_model(root / params.train.model_path)
    threshold = params.evaluate.threshold
    predicted, _ = decide(pipeline, train[contract.feature_columns], contract, threshold)
    reference = profile(train, contract, predicted)
    print(f"profiled {len(train)} training rows and their predictions")
    name, description = project_description(root)
    metadata = {
        "project": name,
        "description": description,
        "created": utc_now(),
        "target": target_metadata(contract.target),
        "threshold": threshold,
        "features": contract.feature_columns,
        "input_schema": input_schema(contract),
        "metrics": read_json(root / params.evaluate.metrics_path, "the metrics evaluate writes"),
        "goldens": goldens(root),
        "params": as_dict(params),
        "contract": {
            "path": data.contract,
            "name": contract.name,
            "description": contract.description,
        },
        "data": {
            "train_path": data.train_path,
            "train_md5": locked_md5(root, "train", "deps", data.train_path),
            "train_rows": len(train),
            "test_rows": len(test),
        },
        "slices": slice_rows(test, contract),
        "git": git_state(root),
        "model": {
            "path": params.train.model_path,
            "md5": model_md5,
            "sha256": hashlib.sha256(model_bytes).hexdigest(),
        },
        "metrics_md5": metrics_md5,
    }
    files = {
        "model.joblib": model_bytes,
        **LeanModel.from_pipeline(pipeline, contract, threshold).to_files(),
        "contract.yaml": (root / data.contract).read_bytes(),
        "reference.json": (json.dumps(reference, indent=2, sort_keys=True) + "\n").encode(),
        "card.md": card.render(metadata, reference).encode("utf-8"),
    }
    version = registry.publish(files, metadata, created=str(metadata["created"]))
    print(f"published {version} to {registry.url} (files: {', '.join(sorted(files))})")
    return version


def main_metrics(metadata: Mapping[str, Any]) -> str:
    from {{ cookiecutter.package_name }}.models.metrics import metric_table
    from {{ cookiecutter.package_name }}.registry.gate import target_rule

    names = [metric.name for metric in metric_table(target_rule(metadata))][:LIST_METRICS]
    return " ".join(
        f"{name}={metadata['metrics'][name]:.4g}" for name in names if name in metadata["metrics"]
    )


def list_versions(registry: Registry) -> None:
    aliases: dict[str, list[str]] = {}
    for env, version in registry.aliases().items():
        aliases.setdefault(version, []).append(env)
    versions = registry.versions()
    if not versions:
        print(f"no version in {registry.url} yet (publish one with `registry publish`)")
    for version in versions:
        metadata = registry.metadata(version)
        held = ",".join(aliases.get(version, [])) or "-"
        print(
            f"{version}  {metadata['created']}  {metadata['target']['task']}  "
            f"{main_metrics(metadata)}  aliases: {held}"
        )


def show_history(registry: Registry, env: str) -> None:
    events = registry.history(env)
    if not events:
        print(f"{env}: never promoted")
    for event in events:
        forced = " (forced)" if event.forced else ""
        why = f"  reason: {event.reason}" if event.reason else ""
        print(
            f"{event.when}  {event.action}{forced}  {event.previous or '-'} -> {event.version}  "
            f"by {event.who}{why}"
        )


def show_version(registry: Registry, version: str) -> None:
    metadata = registry.metadata(version)
    print(registry.read(version, "card.md").decode("utf-8"))
    print(f"## Version {version}")
    print()
    print(f"created {metadata['created']}, git commit {metadata['git']['commit']}")
    held = [env for env, at in registry.aliases().items() if at == version]
    print(f"aliases: {', '.join(held) or 'none'}")
    for name, digest in sorted(registry.files(version).items()):
        registry.read(version, name)  # each file checked, not only listed
        print(f"sha256 {digest}  {name}")
    print(f"({METADATA} and every file above match the manifest)")


def run(args: argparse.Namespace, url: str) -> int:
    """Run the action ``args.action`` on the registry at ``url``."""
    registry = Registry(url)
    who = getattr(args, "who", None) or default_who()
    if args.action == "publish":
        params = load_params(args.params)
        print(publish_pipeline_output(params, args.params.resolve().parent, registry))
    elif args.action == "promote":
        event = registry.promote(
            args.version, args.env, force=args.force, reason=args.reason, who=who
        )
        if event is None:
            print(f"{args.env} already holds {args.version}: nothing to do")
        else:
            print(f"{args.env}: {event.previous or '(none)'} -> {event.version}")
    elif args.action == "rollback":
        event = registry.rollback(args.env, who=who)
        print(f"{args.env}: {event.previous} -> {event.version} (rolled back)")
    elif args.action == "list":
        list_versions(registry)
    elif args.action == "history":
        show_history(registry, args.env)
    else:
        show_version(registry, args.version)
    return 0

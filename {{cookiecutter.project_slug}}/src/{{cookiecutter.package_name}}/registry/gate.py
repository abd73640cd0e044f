"""The promotion gate: a version may replace an alias's version only if it is no worse.

The metrics compared are the overall ones of the task's table
(:func:`~{{ cookiecutter.package_name }}.models.metrics.metric_table`), each in its own direction (higher
or lower is better); per-slice metrics are for the model card and the goldens, not for
the gate, whose verdict must not hang on a handful of rows. A candidate for another
task or with another set of metrics cannot be compared and is refused too. ``--force``
with a reason overrides every objection; the objections are kept in the event.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import Any

from {{ cookiecutter.package_name }}.data.contract import TargetRule
from {{ cookiecutter.package_name }}.models.metrics import metric_table
from {{ cookiecutter.package_name }}.registry.store import RegistryError

EPSILON = 1e-12  # a difference below this is the same number printed two ways


class PromotionRefusedError(RegistryError):
    """A candidate worse than (or not comparable with) the version the alias holds."""

    def __init__(self, version: str, env: str, current: str, objections: list[str]) -> None:
        self.objections = objections
        super().__init__(
            f"refusing to promote {version} to {env}, which holds {current}: "
            + "; ".join(objections)
            + ". Promote anyway with --force --reason TEXT (recorded in the history)"
        )


def target_metadata(target: TargetRule) -> dict[str, Any]:
    """The target as a version's metadata records it (what :func:`target_rule` reads)."""
    return {**dataclasses.asdict(target), "values": list(target.values)}


def target_rule(metadata: Mapping[str, Any]) -> TargetRule:
    """The contract's target a version was trained for, as its metadata records it."""
    raw = dict(metadata["target"])
    return TargetRule(**{**raw, "values": tuple(raw["values"])})


def objections(candidate: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """Why ``candidate`` may not replace ``current``; empty if it may."""
    task, held_task = candidate["target"]["task"], current["target"]["task"]
    if task != held_task:
        return [f"the task differs: the candidate is {task}, the current version {held_task}"]
    names = [metric.name for metric in metric_table(target_rule(candidate))]
    mine, theirs = candidate["metrics"], current["metrics"]
    missing = [name for name in names if name not in mine or name not in theirs]
    if missing:
        return [
            f"the metrics differ: expected both versions to report {names}, "
            f"the candidate lacks {[n for n in names if n not in mine]}, "
            f"the current version {[n for n in names if n not in theirs]}"
        ]
    found = []
    for metric in metric_table(target_rule(candidate)):
        new, old = float(mine[metric.name]), float(theirs[metric.name])
        worse = new < old - EPSILON if metric.direction == "higher" else new > old + EPSILON
        if worse:
            found.append(
                f"{metric.name} is worse ({metric.direction} is better): {new:.6g} against "
                f"{old:.6g} for the current version"
            )
    return found

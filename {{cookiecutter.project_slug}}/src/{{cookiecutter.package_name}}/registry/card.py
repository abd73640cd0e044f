"""The model card: what a reviewer reads before promoting a version to live.

Written once at publish time from the version's metadata and reference profile, and
kept in the version (``card.md``), so it always describes the files beside it: what the
model is for, the data it learned from, its metrics beside the goldens, its parameters,
the drift reference, privacy, and its known limits. It is plain Markdown without HTML.
Every text that comes from a file (the project's description, the contract's, column
names, class labels) is data: :func:`cell` keeps it on one line and escapes what
Markdown or HTML would read as markup.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from {{ cookiecutter.package_name }}.models.evaluate import MIN_SLICE_ROWS
from {{ cookiecutter.package_name }}.models.metrics import MEMBERSHIP_AUC, metric_table
from {{ cookiecutter.package_name }}.registry.gate import target_rule

FEW_SLICE_ROWS = 30  # a slice value measured on fewer test rows is flagged as noisy
# Backslash, table bars, HTML brackets, code and emphasis; a "]" only where it would
# close a link ("](" or "]["), so "rmse[sex=1]" stays readable; "_" in a name is plain.
MARKUP = re.compile(r"([\\|<>`*]|\](?=[(\[]))")


def cell(value: Any) -> str:
    """``value`` as text safe in a table cell or a line: one line, markup escaped."""
    text = " ".join(str(value).split())
    return MARKUP.sub(r"\\\1", text) if text else "-"


def number(value: Any) -> str:
    return "-" if value is None else f"{float(value):.6g}"


def moment(seconds: float) -> str:
    """A time the profile keeps as seconds since 1970, as an ISO 8601 UTC time."""
    return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A Markdown table; each cell already formatted (see :func:`cell`)."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(item) for item in row) + " |" for row in rows]
    return lines


def against_golden(value: float, golden: Mapping[str, Any] | None) -> str:
    """Whether ``value`` is within its golden's tolerance (direction-aware)."""
    if golden is None:
        return "no golden"
    limit = float(golden["value"]) - float(golden["tolerance"])
    worse = value < limit
    if golden["direction"] == "lower":
        limit = float(golden["value"]) + float(golden["tolerance"])
        worse = value > limit
    return f"worse than the golden's limit {number(limit)}" if worse else "within tolerance"


def _purpose(metadata: Mapping[str, Any]) -> list[str]:
    target = metadata["target"]
    lines = ["## What it is for", "", cell(metadata["description"]), ""]
    what = f"It predicts the column {cell(target['column'])}: a {target['task']} task"
    if target["values"]:
        what += ", classes " + ", ".join(cell(label) for label in target["values"])
    if target.get("positive") is not None:
        what += f" (positive: {cell(target['positive'])})"
    model = metadata["params"]["train"]["model"]
    lines += [what + f", with the {cell(model)} model.", ""]
    return lines


def _data(metadata: Mapping[str, Any]) -> list[str]:
    data, contract = metadata["data"], metadata["contract"]
    features = metadata["features"]
    return [
        "## Data",
        "",
        f"- Contract: {cell(contract['name'])} ({cell(contract['path'])}): "
        f"{cell(contract['description'])}",
        f"- Training data: {cell(data['train_path'])}, DVC md5 {cell(data['train_md5'])}, "
        f"{data['train_rows']} rows; {data['test_rows']} test rows for the metrics below.",
        f"- Features: {len(features)} ({', '.join(cell(name) for name in features)}).",
        f"- Git commit {cell(metadata['git']['commit'])}"
        + (" (with uncommitted changes)" if metadata["git"]["dirty"] else "")
        + f"; created {cell(metadata['created'])}.",
        "",
    ]


def _metrics(metadata: Mapping[str, Any]) -> list[str]:
    reported = (*metric_table(target_rule(metadata)), MEMBERSHIP_AUC)  # and the privacy audit
    directions = {metric.name: metric.direction for metric in reported}
    goldens = metadata["goldens"]
    rows = []
    for name, value in metadata["metrics"].items():
        golden = goldens.get(name)
        rows.append(
            (
                cell(name),
                number(value),
                directions.get(name.split("[", 1)[0], "-"),
                number(golden["value"]) if golden else "-",
                number(golden["tolerance"]) if golden else "-",
                against_golden(float(value), golden),
            )
        )
    header = ("metric", "value", "better", "golden", "tolerance", "against the golden")
    source = "tests/golden/metrics.json" if goldens else "none: the project has no goldens"
    return [
        "## Metrics",
        "",
        f"On the {metadata['data']['test_rows']} test rows; goldens from {source}.",
        "",
        *table(header, rows),
        "",
    ]


def _params(metadata: Mapping[str, Any]) -> list[str]:
    params = metadata["params"]
    model = params["train"]["model"]
    chosen = params["train"][model]
    rows = [(cell(f"train.{model}.{key}"), cell(value)) for key, value in chosen.items()]
    rows += [(cell("seed"), cell(params["seed"])), (cell("threshold"), cell(metadata["threshold"]))]
    return ["## Parameters", "", *table(("parameter", "value"), rows), ""]


def _reference(reference: Mapping[str, Any]) -> list[str]:
    features = reference["features"]
    rows = []
    for name, summary in features.items():
        if summary["kind"] == "category":
            spread = f"{len(summary['frequencies'])} values"
        elif summary["min"] is None:
            spread = "no value"
        elif summary["kind"] == "datetime":  # seconds since 1970, UTC
            spread = f"{moment(summary['min'])} to {moment(summary['max'])}"
        else:
            spread = f"{number(summary['min'])} to {number(summary['max'])}"
        rows.append((cell(name), summary["kind"], number(summary["missing_rate"]), spread))
    predictions = reference["predictions"]["kind"]
    return [
        "## Drift reference",
        "",
        f"reference.json profiles {len(features)} features over the {reference['rows']} "
        f"training rows (quantile bins of numbers, shares of categories) and the model's "
        f"predictions on them ({'class shares' if predictions == 'classes' else 'quantile bins'}). "
        "Monitoring compares new batches against it.",
        "",
        *table(("feature", "kind", "missing rate", "seen in training"), rows),
        "",
    ]


def _privacy() -> list[str]:
    return [
        "## Privacy",
        "",
        "No privacy audit exists for this version: the project has none yet. The version "
        "keeps no training rows; reference.json holds aggregates of each feature "
        "(shares, quantiles, mean, and the minimum and maximum, which are single rows' values).",
        "",
    ]


def _limits(metadata: Mapping[str, Any]) -> list[str]:
    data = metadata["data"]
    lines = [
        "## Known limits",
        "",
        f"- Trained on {data['train_rows']} rows; the metrics are estimates from "
        f"{data['test_rows']} test rows.",
        "- The contract's types, ranges and categories bound what it has seen: rows outside "
        "them are refused, and within them it knows only the training values summarised above.",
    ]
    few = {name: rows for name, rows in metadata["slices"].items() if rows < FEW_SLICE_ROWS}
    if few:
        noisy = ", ".join(f"{cell(name)} ({rows} rows)" for name, rows in sorted(few.items()))
        lines.append(
            f"- Slices with fewer than {FEW_SLICE_ROWS} test rows have noisy metrics "
            f"(fewer than {MIN_SLICE_ROWS}: not measured): {noisy}."
        )
    return [*lines, ""]


def render(metadata: Mapping[str, Any], reference: Mapping[str, Any]) -> str:
    """The model card of a version, from its metadata and its reference profile."""
    lines = [
        f"# Model card: {cell(metadata['project'])}",
        "",
        *_purpose(metadata),
        *_data(metadata),
        *_metrics(metadata),
        *_params(metadata),
        *_reference(reference),
        *_privacy(),
        *_limits(metadata),
    ]
    return "\n".join(lines)

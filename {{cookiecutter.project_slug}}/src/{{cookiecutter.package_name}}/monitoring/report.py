"""A drift report three ways: ``drift.json``, ``drift.md`` and a self-contained ``drift.html``.

The JSON is the summary a scheduler or a dashboard reads (``status`` is ``ok`` or
``alert``); the Markdown suits a merge request or a ticket; the HTML is for people, with
a bar chart per drifted feature (reference and batch shares per bin or category) drawn
as inline SVG. The page loads nothing: no script, no stylesheet, font or image from
anywhere, and a Content-Security-Policy that forbids fetching any, so it opens offline
and leaks nothing. Every value from the batch (a category's text, a file name) is
escaped where it lands, so a cell like ``<script>`` or ``=cmd|...`` shows as text.

:func:`write` writes the three files to temporary files, then renames each into place:
an error before that leaves the previous report as it was.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.io import atomic_path
from {{ cookiecutter.package_name }}.monitoring.drift import Finding
from {{ cookiecutter.package_name }}.monitoring.monitor import Report

FILES = ("drift.json", "drift.md", "drift.html")
MAX_BARS = 30  # categories drawn per chart; the rest are in the JSON
BAR_WIDTH = 18
CHART_HEIGHT = 160


def _number(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _cell(text: str) -> str:
    """Text safe in a Markdown table cell: no pipe, no line break, no HTML."""
    flat = " ".join(text.split())
    return html.escape(flat).replace("|", "\\|")


def _statistic(finding: Finding) -> str:
    statistics = finding.to_json()
    if "ks" in statistics:
        return f"KS {_number(statistics['ks'])}"
    return f"chi-square {_number(statistics['chi_square'])}"


def _row(finding: Finding) -> list[str]:
    statistics = finding.to_json()
    missing = statistics.get("missing_rate")
    missing_text = (
        f"{missing['reference']:.1%} -> {missing['batch']:.1%}" if missing is not None else "-"
    )
    return [
        finding.name,
        finding.kind,
        "**drift**" if finding.drifted else "ok",
        _number(statistics["psi"]),
        _statistic(finding),
        f"{statistics['p_value']:.2g}",
        missing_text,
        "; ".join(finding.reasons) or "-",
    ]


HEADER = ["feature", "kind", "status", "PSI", "test", "p-value", "missing rate", "what moved"]


def markdown(report: Report) -> str:
    """The report as Markdown: the verdict, what moved, and a table of every feature."""
    status = "ALERT" if report.alert else "no drift"
    lines = [
        f"# Drift report: {status}",
        "",
        f"Batch `{_cell(report.batch)}` ({report.rows:,} rows in {len(report.files)} file(s)) "
        f"against the reference of version `{_cell(report.version)}`.",
        "",
        f"Drifted features: {len(report.drifted)} of {len(report.features)} "
        f"({report.drifted_share:.0%}); prediction drift: "
        f"{'yes' if report.predictions.drifted else 'no'}.",
        "",
    ]
    if report.alert:
        lines += ["## What moved", ""]
        lines += [f"- {_cell(alert)}" for alert in report.alerts()]
        lines.append("")
    lines += [
        "## Every feature",
        "",
        "| " + " | ".join(HEADER) + " |",
        "|" + "---|" * len(HEADER),
    ]
    for finding in [*report.features, report.predictions]:
        lines.append("| " + " | ".join(_cell(cell) for cell in _row(finding)) + " |")
    limits = report.to_json()["thresholds"]
    lines += [
        "",
        "Thresholds (params.yaml, `monitoring:`): "
        + ", ".join(f"{key} {value}" for key, value in limits.items() if key != "chunk_rows")
        + ". See docs/monitoring.md.",
        "",
    ]
    return "\n".join(lines)


def svg_chart(labels: Sequence[str], reference: Sequence[float], batch: Sequence[float]) -> str:
    """Reference (grey) and batch (orange) shares per bin as an inline SVG bar chart."""
    shown = list(zip(labels, reference, batch, strict=True))[:MAX_BARS]
    top = max([*reference, *batch, 0.01])
    width = len(shown) * (2 * BAR_WIDTH + 10) + 50
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" '
        f'height="{CHART_HEIGHT + 90}" role="img" aria-label="reference and batch shares">',
        f'<line x1="40" y1="{CHART_HEIGHT}" x2="{width}" y2="{CHART_HEIGHT}" stroke="#333"/>',
        f'<text x="0" y="12" font-size="11">{top:.0%}</text>',
    ]
    for index, (label, before, after) in enumerate(shown):
        x = 45 + index * (2 * BAR_WIDTH + 10)
        for offset, share, colour in ((0, before, "#999"), (BAR_WIDTH, after, "#e67e22")):
            height = CHART_HEIGHT * share / top
            parts.append(
                f'<rect x="{x + offset}" y="{CHART_HEIGHT - height:.1f}" width="{BAR_WIDTH}" '
                f'height="{height:.1f}" fill="{colour}"><title>{html.escape(label)}: '
                f"{share:.1%}</title></rect>"
            )
        parts.append(
            f'<text x="{x}" y="{CHART_HEIGHT + 12}" font-size="10" '
            f'transform="rotate(40 {x} {CHART_HEIGHT + 12})">{html.escape(label[:24])}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


STYLE = (
    "body{font-family:sans-serif;margin:2em;max-width:70em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2em .5em}"
    ".alert{color:#b00}.ok{color:#070}.key span{display:inline-block;width:1em;height:1em}"
)


def html_page(report: Report) -> str:
    """The report as one HTML page with no external resource."""
    status = "ALERT: drift" if report.alert else "No drift"
    escape = html.escape
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in _row(finding)) + "</tr>"
        for finding in [*report.features, report.predictions]
    )
    charts = "".join(
        f"<h3>{escape(finding.name)}</h3><p>{escape('; '.join(finding.reasons))}</p>"
        + svg_chart(finding.plot["labels"], finding.plot["reference"], finding.plot["batch"])
        for finding in [*report.features, report.predictions]
        if finding.drifted
    )
    alerts = "".join(f"<li>{escape(alert)}</li>" for alert in report.alerts())
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        f"<title>Drift report: {escape(report.batch)}</title><style>{STYLE}</style></head><body>"
        f'<h1 class="{"alert" if report.alert else "ok"}">{escape(status)}</h1>'
        f"<p>Batch <code>{escape(report.batch)}</code>: {report.rows:,} rows in "
        f"{len(report.files)} file(s), against the reference of version "
        f"<code>{escape(report.version)}</code>. Drifted features: {len(report.drifted)} of "
        f"{len(report.features)} ({report.drifted_share:.0%}); prediction drift: "
        f"{'yes' if report.predictions.drifted else 'no'}.</p>"
        + (f"<h2>What moved</h2><ul>{alerts}</ul>" if alerts else "")
        + (
            '<h2>Drifted, bin by bin</h2><p class="key"><span style="background:#999"></span> '
            'reference <span style="background:#e67e22"></span> batch</p>' + charts
            if charts
            else ""
        )
        + "<h2>Every feature</h2><table><tr>"
        + "".join(f"<th>{escape(cell)}</th>" for cell in HEADER)
        + f"</tr>{rows}</table></body></html>\n"
    )


def write(report: Report, folder: Path) -> list[Path]:
    """Write the three files into ``folder``; each replaces its old version only when whole."""
    texts = {
        "drift.json": json.dumps(report.to_json(), indent=2, allow_nan=False) + "\n",
        "drift.md": markdown(report),
        "drift.html": html_page(report),
    }
    written = []
    for name, text in texts.items():
        with atomic_path(folder / name) as temporary:
            temporary.write_text(text, encoding="utf-8")
        written.append(folder / name)
    return written

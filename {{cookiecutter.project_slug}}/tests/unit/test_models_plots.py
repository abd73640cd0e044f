"""evaluate's plots as a reader sees them: the tables DVC renders and the PNG figures,
for each task (binary, multiclass, regression).

The figures are checked through matplotlib's public API the way a person reads them:
the lines drawn and their data, titles, axis labels, legend texts and corner, the
numbers in the confusion matrix and their colour, and the size of the written PNG.
"""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import matplotlib
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgba
from matplotlib.layout_engine import ConstrainedLayoutEngine
from sklearn.metrics import roc_auc_score

from {{ cookiecutter.package_name }}.data.contract import TargetRule
from {{ cookiecutter.package_name }}.models import plots
from {{ cookiecutter.package_name }}.models.metrics import Scores

# A sorted, skewed spread of 20 probabilities (most below 0.3), so equal-count
# (quantile) bins differ from equal-width ones.
SKEWED = ((np.arange(20) + 0.5) / 20) ** 2
SKEWED_POSITIVE = np.array([0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1])


BINARY = TargetRule(column="target", task="binary", values=("no", "yes"), positive="yes")
# Not in sorted order, so that following the contract's order shows.
MULTICLASS = TargetRule(column="target", task="multiclass", values=("c", "a", "b"))
REGRESSION = TargetRule(column="target", task="regression")


def _scores(actual: list[str], probability: list[float], predicted: list[str]) -> Scores:
    p = np.asarray(probability)
    probabilities = pd.DataFrame({"no": 1 - p, "yes": p})
    return Scores(pd.Series(actual), pd.Series(predicted), probabilities, BINARY)


def _multiclass() -> Scores:
    """Six rows of classes c, a, b; the model never predicts "b"."""
    actual = ["c", "c", "a", "a", "b", "b"]
    predicted = ["c", "a", "a", "a", "c", "a"]
    probabilities = pd.DataFrame(
        {
            "c": [0.7, 0.4, 0.1, 0.2, 0.5, 0.3],
            "a": [0.2, 0.5, 0.8, 0.6, 0.3, 0.4],
            "b": [0.1, 0.1, 0.1, 0.2, 0.2, 0.3],
        }
    )
    return Scores(pd.Series(actual), pd.Series(predicted), probabilities, MULTICLASS)


def _regression() -> Scores:
    actual = pd.Series([1.0, 2.0, 4.0, 8.0])
    predicted = pd.Series([1.5, 2.0, 3.0, 8.25])
    return Scores(actual, predicted, None, REGRESSION)


def _skewed() -> Scores:
    actual = np.where(SKEWED_POSITIVE == 1, "yes", "no").tolist()
    return _scores(actual, SKEWED.tolist(), ["no"] * 20)


def _backwards() -> Scores:
    """A model that has it backwards: every "yes" row gets a low P(yes)."""
    actual = ["yes"] * 10 + ["no"] * 10
    probability = np.linspace(0.02, 0.98, 20).tolist()
    predicted = ["no"] * 10 + ["yes"] * 10
    return _scores(actual, probability, predicted)


def _confusion(counts: dict[tuple[str, str], int], target: TargetRule = BINARY) -> Any:
    """The confusion figure of (actual, predicted) pairs that occur the given number of times."""
    pairs = [pair for pair, count in counts.items() for _ in range(count)]
    table = pd.DataFrame(pairs, columns=["actual", "predicted"])
    return plots.figure({"confusion": table}, "confusion", target)


def _figure(scores: Scores, name: str) -> Any:
    return plots.draw(scores)[name][1]


def _legend_corner(figure: Any) -> tuple[str, str]:
    """Where the legend sits in the axes, as a reader would say it."""
    figure.draw_without_rendering()
    axes = figure.axes[0]
    box = axes.get_window_extent()
    legend = axes.get_legend().get_window_extent()
    horizontal = "right" if (legend.x0 + legend.x1) / 2 > (box.x0 + box.x1) / 2 else "left"
    vertical = "upper" if (legend.y0 + legend.y1) / 2 > (box.y0 + box.y1) / 2 else "lower"
    return vertical, horizontal


def test_roc_table_has_thresholds_within_zero_and_one() -> None:
    """scikit-learn starts the curve at threshold infinity; the table caps it at 1."""
    scores = _scores(["no", "no", "yes", "yes"], [0.1, 0.4, 0.35, 0.8], ["no"] * 4)
    roc = plots.plot_data(scores)["roc"]
    assert list(roc.columns) == ["fpr", "tpr", "threshold"]
    np.testing.assert_allclose(roc["fpr"], [0.0, 0.0, 0.5, 0.5, 1.0])
    np.testing.assert_allclose(roc["tpr"], [0.0, 0.5, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(roc["threshold"], [1.0, 0.8, 0.4, 0.35, 0.1])


def test_calibration_table_has_ten_bins_of_equal_count() -> None:
    """Quantile bins: 20 rows make 10 bins of 2 neighbouring probabilities each."""
    calibration = plots.plot_data(_skewed())["calibration"]
    assert list(calibration.columns) == ["mean_predicted", "fraction_positive"]
    np.testing.assert_allclose(calibration["mean_predicted"], SKEWED.reshape(10, 2).mean(axis=1))
    np.testing.assert_allclose(
        calibration["fraction_positive"], SKEWED_POSITIVE.reshape(10, 2).mean(axis=1)
    )


def test_confusion_table_has_one_row_per_prediction_as_text() -> None:
    target = TargetRule(column="target", task="binary", values=(0, 1), positive=1)
    probabilities = pd.DataFrame({0: [0.1, 0.8, 0.7], 1: [0.9, 0.2, 0.3]})
    scores = Scores(pd.Series([1, 0, 1]), pd.Series([1, 0, 0]), probabilities, target)
    confusion = plots.plot_data(scores)["confusion"]
    assert confusion.to_dict("list") == {"actual": ["1", "0", "1"], "predicted": ["1", "0", "0"]}


@pytest.mark.parametrize(
    ("scores", "names"),
    [
        (_skewed(), ["roc", "confusion", "calibration"]),
        (_multiclass(), ["confusion", "roc_by_class"]),
        (_regression(), ["predicted", "residuals"]),
    ],
    ids=["binary", "multiclass", "regression"],
)
def test_each_task_draws_its_plots_each_a_square_with_constrained_layout(
    scores: Scores, names: list[str]
) -> None:
    drawn = plots.draw(scores)
    assert list(drawn) == names == list(plots.PLOTS[scores.target.task])
    for name, (_, figure) in drawn.items():
        assert tuple(figure.get_size_inches()) == (4.5, 4.5), name
        assert isinstance(figure.get_layout_engine(), ConstrainedLayoutEngine), name


def test_roc_figure_draws_the_curve_against_chance() -> None:
    scores = _backwards()
    roc = plots.plot_data(scores)["roc"]
    figure = _figure(scores, "roc")
    axes = figure.axes[0]
    assert axes.get_title() == "ROC curve"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("false positive rate", "true positive rate")
    model, chance = axes.get_lines()
    np.testing.assert_allclose(model.get_xdata(), roc["fpr"])
    np.testing.assert_allclose(model.get_ydata(), roc["tpr"])
    assert list(chance.get_xdata()) == [0, 1]
    assert list(chance.get_ydata()) == [0, 1]
    assert chance.get_linestyle() == "--"
    assert to_rgba(chance.get_color()) == to_rgba("grey")
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["model", "chance"]
    # In the lower right even when the curve runs through that corner.
    assert _legend_corner(figure) == ("lower", "right")


def test_calibration_figure_names_the_positive_class() -> None:
    scores = _backwards()
    calibration = plots.plot_data(scores)["calibration"]
    figure = _figure(scores, "calibration")
    axes = figure.axes[0]
    assert axes.get_title() == "Calibration curve"
    assert axes.get_xlabel() == "mean predicted P(yes)"
    assert axes.get_ylabel() == "fraction actually yes"
    model, perfect = axes.get_lines()
    np.testing.assert_allclose(model.get_xdata(), calibration["mean_predicted"])
    np.testing.assert_allclose(model.get_ydata(), calibration["fraction_positive"])
    assert model.get_marker() == "o"
    assert list(perfect.get_xdata()) == [0, 1]
    assert list(perfect.get_ydata()) == [0, 1]
    assert perfect.get_linestyle() == "--"
    assert to_rgba(perfect.get_color()) == to_rgba("grey")
    assert [text.get_text() for text in axes.get_legend().get_texts()] == ["model", "perfect"]
    # In the upper left even when the points run through that corner.
    assert _legend_corner(figure) == ("upper", "left")


def test_confusion_figure_shows_each_count_readable_on_its_shade() -> None:
    """Counts above half the largest are white on dark blue, the rest black."""
    figure = _confusion({("no", "no"): 4, ("no", "yes"): 2, ("yes", "no"): 1, ("yes", "yes"): 3})
    axes = figure.axes[0]
    assert axes.get_title() == "Confusion matrix"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("predicted", "actual")
    assert [label.get_text() for label in axes.get_xticklabels()] == ["no", "yes"]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["no", "yes"]
    (image,) = axes.get_images()
    assert image.get_cmap().name == "Blues"
    np.testing.assert_array_equal(image.get_array(), [[4, 2], [1, 3]])
    cells = [
        (text.get_position(), text.get_text(), to_rgba(text.get_color())) for text in axes.texts
    ]
    white, black = to_rgba("white"), to_rgba("black")
    assert cells == [
        ((0, 0), "4", white),
        ((1, 0), "2", black),  # exactly half the largest: black
        ((0, 1), "1", black),
        ((1, 1), "3", white),
    ]
    assert {(text.get_ha(), text.get_va()) for text in axes.texts} == {("center", "center")}


@pytest.mark.parametrize(
    ("counts", "grid"),
    [
        ({("no", "no"): 3, ("yes", "no"): 2}, [[3, 0], [2, 0]]),  # "yes" never predicted
        ({("no", "no"): 3, ("no", "yes"): 2}, [[3, 2], [0, 0]]),  # "yes" never actual
    ],
)
def test_confusion_figure_is_square_over_every_class_of_the_contract(
    counts: dict[tuple[str, str], int], grid: list[list[int]]
) -> None:
    axes = _confusion(counts).axes[0]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["no", "yes"]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["no", "yes"]
    np.testing.assert_array_equal(axes.get_images()[0].get_array(), grid)
    assert [text.get_text() for text in axes.texts] == [str(n) for row in grid for n in row]


def test_multiclass_confusion_has_every_class_in_contract_order_even_one_never_predicted() -> None:
    scores = _multiclass()
    confusion = plots.plot_data(scores)["confusion"]
    assert confusion.to_dict("list") == {
        "actual": ["c", "c", "a", "a", "b", "b"],
        "predicted": ["c", "a", "a", "a", "c", "a"],
    }
    axes = _figure(scores, "confusion").axes[0]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["c", "a", "b"]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["c", "a", "b"]
    # rows: actual c, a, b; columns: predicted c, a, b (never predicted: all zero)
    grid = [[1, 1, 0], [0, 2, 0], [1, 1, 0]]
    np.testing.assert_array_equal(axes.get_images()[0].get_array(), grid)
    assert [text.get_text() for text in axes.texts] == [str(n) for row in grid for n in row]


def test_confusion_figure_shows_a_label_outside_the_contract_after_its_classes() -> None:
    axes = _confusion({("c", "c"): 2, ("a", "z"): 1}, MULTICLASS).axes[0]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["c", "a", "b", "z"]
    np.testing.assert_array_equal(
        axes.get_images()[0].get_array(),
        [[2, 0, 0, 0], [0, 0, 0, 1], [0, 0, 0, 0], [0, 0, 0, 0]],
    )


def test_roc_by_class_has_one_curve_per_class_in_contract_order() -> None:
    """Long format: a ``class`` column, so DVC draws one line per class."""
    roc = plots.plot_data(_multiclass())["roc_by_class"]
    assert list(roc.columns) == ["class", "fpr", "tpr", "threshold"]
    assert list(roc["class"].unique()) == ["c", "a", "b"]
    for label, curve in roc.groupby("class", sort=False):
        assert (curve["fpr"].iloc[0], curve["tpr"].iloc[0]) == (0.0, 0.0), label
        assert (curve["fpr"].iloc[-1], curve["tpr"].iloc[-1]) == (1.0, 1.0), label
        assert curve["fpr"].is_monotonic_increasing, label
        assert curve["tpr"].is_monotonic_increasing, label
        assert curve["threshold"].between(0, 1).all(), label
    # "b" against the rest: P(b) of its rows 0.2, 0.3; of the others 0.1, 0.1, 0.1, 0.2.
    b = roc[roc["class"] == "b"]
    np.testing.assert_allclose(b["fpr"], [0.0, 0.0, 0.25, 1.0])
    np.testing.assert_allclose(b["tpr"], [0.0, 0.5, 1.0, 1.0])
    np.testing.assert_allclose(b["threshold"], [1.0, 0.3, 0.2, 0.1])


def test_roc_by_class_leaves_out_a_class_without_test_rows() -> None:
    """One-vs-rest ROC is undefined for a class no test row holds."""
    probabilities = pd.DataFrame({"c": [0.6, 0.3], "a": [0.3, 0.6], "b": [0.1, 0.1]})
    scores = Scores(pd.Series(["c", "a"]), pd.Series(["c", "a"]), probabilities, MULTICLASS)
    roc = plots.plot_data(scores)["roc_by_class"]
    assert list(roc["class"].unique()) == ["c", "a"]
    labels = [
        text.get_text() for text in _figure(scores, "roc_by_class").axes[0].get_legend().get_texts()
    ]
    assert labels == ["c (AUC 1.000)", "a (AUC 1.000)", "chance"]


def test_roc_by_class_figure_draws_each_class_with_its_auc() -> None:
    scores = _multiclass()
    roc = plots.plot_data(scores)["roc_by_class"]
    figure = _figure(scores, "roc_by_class")
    axes = figure.axes[0]
    assert axes.get_title() == "ROC curve of each class against the rest"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("false positive rate", "true positive rate")
    *curves, chance = axes.get_lines()
    assert len(curves) == 3
    for label, line in zip(["c", "a", "b"], curves, strict=True):
        curve = roc[roc["class"] == label]
        np.testing.assert_allclose(line.get_xdata(), curve["fpr"])
        np.testing.assert_allclose(line.get_ydata(), curve["tpr"])
    assert list(chance.get_xdata()) == [0, 1]
    assert list(chance.get_ydata()) == [0, 1]
    assert chance.get_linestyle() == "--"
    assert to_rgba(chance.get_color()) == to_rgba("grey")
    # Each class's AUC as scikit-learn scores it; "b": 7.5 of 8 pairs (a tie counts half).
    aucs = {
        label: roc_auc_score(scores.actual == label, scores.probabilities[label])  # type: ignore[index]
        for label in ("c", "a", "b")
    }
    assert aucs["b"] == 0.9375
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert legend == [f"{label} (AUC {aucs[label]:.3f})" for label in ("c", "a", "b")] + ["chance"]
    assert _legend_corner(figure) == ("lower", "right")


def test_regression_tables_hold_each_row_and_its_residual() -> None:
    tables = plots.plot_data(_regression())
    assert tables["predicted"].to_dict("list") == {
        "actual": [1.0, 2.0, 4.0, 8.0],
        "predicted": [1.5, 2.0, 3.0, 8.25],
    }
    assert tables["residuals"].to_dict("list") == {
        "predicted": [1.5, 2.0, 3.0, 8.25],
        "residual": [-0.5, 0.0, 1.0, -0.25],  # actual - predicted
    }


def test_regression_residuals_follow_the_rows_not_the_index() -> None:
    """Predictions whose index differs from the actual values' still pair by position."""
    scores = Scores(pd.Series([3.0, 5.0], index=[10, 11]), pd.Series([2.0, 7.0]), None, REGRESSION)
    assert plots.plot_data(scores)["residuals"]["residual"].tolist() == [1.0, -2.0]


def test_predicted_figure_scatters_rows_about_the_line_y_equals_x() -> None:
    figure = _figure(_regression(), "predicted")
    axes = figure.axes[0]
    assert axes.get_title() == "Predicted against actual"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("actual", "predicted")
    (points,) = axes.collections
    np.testing.assert_array_equal(
        points.get_offsets(), [[1.0, 1.5], [2.0, 2.0], [4.0, 3.0], [8.0, 8.25]]
    )
    (line,) = axes.get_lines()
    assert list(line.get_xdata()) == list(line.get_ydata()) == [1.0, 8.25]  # lowest to highest
    assert line.get_linestyle() == "--"
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert legend == ["test rows", "predicted = actual"]


def test_residuals_figure_scatters_residuals_about_zero() -> None:
    axes = _figure(_regression(), "residuals").axes[0]
    assert axes.get_title() == "Residuals"
    assert (axes.get_xlabel(), axes.get_ylabel()) == ("predicted", "residual (actual - predicted)")
    (points,) = axes.collections
    np.testing.assert_array_equal(
        points.get_offsets(), [[1.5, -0.5], [2.0, 0.0], [3.0, 1.0], [8.25, -0.25]]
    )
    (zero,) = axes.get_lines()
    assert list(zero.get_ydata()) == [0, 0]
    assert list(zero.get_xdata()) == [0, 1]  # across the whole axes
    assert zero.get_linestyle() == "--"


def test_figure_of_an_unknown_plot_names_the_known_ones() -> None:
    with pytest.raises(
        ValueError, match=r"no figure for plot 'lift'; expected one of \['calibration'"
    ):
        plots.figure({"lift": pd.DataFrame()}, "lift", BINARY)


@pytest.mark.parametrize("scores", [_skewed(), _multiclass(), _regression()], ids=str)
def test_write_puts_each_table_and_a_450_pixel_png_in_the_folder(
    scores: Scores, tmp_path: Path
) -> None:
    """The same PNGs on every machine, whatever its matplotlibrc says."""
    with matplotlib.rc_context({"figure.dpi": 72, "savefig.dpi": 300, "savefig.format": "svg"}):
        drawn = plots.draw(scores)
        plots.write(drawn, tmp_path / "plots")
    assert sorted(path.name for path in (tmp_path / "plots").iterdir()) == sorted(
        f"{name}{suffix}" for name in drawn for suffix in (".csv", ".png")
    )
    for name, (table, _) in drawn.items():
        pd.testing.assert_frame_equal(
            pd.read_csv(tmp_path / "plots" / f"{name}.csv", dtype=dict(table.dtypes)), table
        )
        png = (tmp_path / "plots" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", png[16:24]) == (450, 450), name  # 4.5 inches at 100 dpi


def test_write_removes_the_plots_of_another_task(tmp_path: Path) -> None:
    """After the task changes, no plot of the old task is left to mislead a reader."""
    folder = tmp_path / "plots"
    plots.write(plots.draw(_skewed()), folder)
    (folder / "notes.txt").write_text("kept", encoding="utf-8")
    plots.write(plots.draw(_regression()), folder)
    assert sorted(path.name for path in folder.iterdir()) == [
        "notes.txt",
        "predicted.csv",
        "predicted.png",
        "residuals.csv",
        "residuals.png",
    ]

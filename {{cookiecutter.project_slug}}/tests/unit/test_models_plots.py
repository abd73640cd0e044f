"""evaluate's plots as a reader sees them: the tables DVC renders and the PNG figures.

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

from {{ cookiecutter.package_name }}.models import plots
from {{ cookiecutter.package_name }}.models.metrics import Scores

# A sorted, skewed spread of 20 probabilities (most below 0.3), so equal-count
# (quantile) bins differ from equal-width ones.
SKEWED = ((np.arange(20) + 0.5) / 20) ** 2
SKEWED_POSITIVE = np.array([0, 0, 0, 1, 0, 0, 1, 0, 0, 1, 1, 0, 1, 1, 0, 1, 1, 1, 1, 1])


def _scores(actual: list[str], probability: list[float], predicted: list[str]) -> Scores:
    return Scores(pd.Series(actual), np.asarray(probability), pd.Series(predicted), "yes")


def _skewed() -> Scores:
    actual = np.where(SKEWED_POSITIVE == 1, "yes", "no").tolist()
    return _scores(actual, SKEWED.tolist(), ["no"] * 20)


def _backwards() -> Scores:
    """A model that has it backwards: every "yes" row gets a low P(yes)."""
    actual = ["yes"] * 10 + ["no"] * 10
    probability = np.linspace(0.02, 0.98, 20).tolist()
    predicted = ["no"] * 10 + ["yes"] * 10
    return _scores(actual, probability, predicted)


def _confusion(counts: dict[tuple[str, str], int]) -> Any:
    """The confusion figure of (actual, predicted) pairs that occur the given number of times."""
    pairs = [pair for pair, count in counts.items() for _ in range(count)]
    table = pd.DataFrame(pairs, columns=["actual", "predicted"])
    return plots.figure({"confusion": table}, "confusion", "yes")


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
    scores = Scores(pd.Series([1, 0, 1]), np.array([0.9, 0.2, 0.3]), pd.Series([1, 0, 0]), 1)
    confusion = plots.plot_data(scores)["confusion"]
    assert confusion.to_dict("list") == {"actual": ["1", "0", "1"], "predicted": ["1", "0", "0"]}


def test_every_figure_is_a_square_with_constrained_layout() -> None:
    for name, (_, figure) in plots.draw(_skewed()).items():
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
def test_confusion_figure_is_square_over_every_label_seen(
    counts: dict[tuple[str, str], int], grid: list[list[int]]
) -> None:
    axes = _confusion(counts).axes[0]
    assert [label.get_text() for label in axes.get_xticklabels()] == ["no", "yes"]
    assert [label.get_text() for label in axes.get_yticklabels()] == ["no", "yes"]
    np.testing.assert_array_equal(axes.get_images()[0].get_array(), grid)
    assert [text.get_text() for text in axes.texts] == [str(n) for row in grid for n in row]


def test_write_puts_each_table_and_a_450_pixel_png_in_the_folder(tmp_path: Path) -> None:
    """The same PNGs on every machine, whatever its matplotlibrc says."""
    with matplotlib.rc_context({"figure.dpi": 72, "savefig.dpi": 300, "savefig.format": "svg"}):
        drawn = plots.draw(_skewed())
        plots.write(drawn, tmp_path / "plots")
    for name, (table, _) in drawn.items():
        pd.testing.assert_frame_equal(
            pd.read_csv(tmp_path / "plots" / f"{name}.csv", dtype=dict(table.dtypes)), table
        )
        png = (tmp_path / "plots" / f"{name}.png").read_bytes()
        assert png.startswith(b"\x89PNG\r\n\x1a\n")
        assert struct.unpack(">II", png[16:24]) == (450, 450), name  # 4.5 inches at 100 dpi

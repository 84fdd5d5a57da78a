import numpy as np
import pytest

from visualnn.engine import make_optimizer
from visualnn.io import examples_dir, load
from visualnn.ui.plots.oned import OneDPanel
from visualnn.ui.session import Session


@pytest.fixture
def tea():
    return load(examples_dir() / "tea_temperature.json")


def test_tea_cost_curve_is_the_mean_over_drinkers_and_search_picks_the_lowest(qtbot, tea):
    panel = OneDPanel(Session(document=tea))
    qtbot.addWidget(panel)
    T = tea.model.data.columns["T"]
    x, y = panel.curve.getData()
    np.testing.assert_allclose(y, [np.mean((T - v) ** 2) for v in x])
    assert x[0] <= T.min() and x[-1] >= 80          # the data and the start guess are in view
    panel.lo.setValue(50)
    panel.hi.setValue(70)
    panel.candidates.setValue(21)                     # every whole degree
    panel.run_search()
    xs, cs, i = panel.search
    np.testing.assert_array_equal(xs, np.arange(50, 71))
    assert xs[i] == 60 and cs[i] == np.mean((T - 60) ** 2)
    assert "21 evaluations" in panel.info.text() and "= 60" in panel.info.text()


def test_marble_descends_the_curve_with_the_engine_optimizer_and_its_slope(qtbot, tea):
    panel = OneDPanel(Session(document=tea))
    qtbot.addWidget(panel)
    panel.interval.setValue(0)
    panel.steps.setValue(10)
    panel.roll()
    xs, cs, gs = panel.path
    T = tea.model.data.columns["T"]
    opt = make_optimizer("sgd", tea.model.training.learning_rate)
    theta = np.array([80.0])
    for k in range(10):
        assert xs[k] == theta[0]
        assert gs[k] == pytest.approx(-2 * np.mean(T - theta[0]))      # d/dT_guess of mean (T - T_guess)^2
        theta = opt.step(theta, np.array([gs[k]]))
    assert xs[-1] == theta[0]
    (tx, ty) = panel.tangent.getData()
    assert (ty[1] - ty[0]) / (tx[1] - tx[0]) == pytest.approx(gs[-1])
    panel.one_step()                     # past the end: nothing moves
    assert panel.frame == 10


def test_one_step_at_a_time_moves_the_marble_against_the_slope(qtbot, tea):
    panel = OneDPanel(Session(document=tea))
    qtbot.addWidget(panel)
    panel.one_step()
    assert panel.frame == 0
    panel.one_step()
    xs, cs, gs = panel.path
    (mx,), (my,) = panel.marble.getData()
    assert mx == xs[1] == pytest.approx(80 - tea.model.training.learning_rate * gs[0]) and my == cs[1] < cs[0]


def test_four_costs_are_compared_on_the_same_bags(qtbot):
    doc = load(examples_dir() / "mm_bag.json")
    panel = OneDPanel(Session(document=doc))
    qtbot.addWidget(panel)
    assert set(panel.compare_curves) == {"cost_sqrt", "cost_abs", "cost_square", "cost_10pow"}
    n = doc.model.data.columns["n"]
    x, y = panel.compare_curves["cost_abs"].getData()
    finite = np.isfinite(y)
    log = panel.compare_plot.getPlotItem().ctrl.logYCheck.isChecked()
    np.testing.assert_allclose((10 ** y if log else y)[finite], [np.mean(np.abs(n - v)) for v in x[finite]])
    labels = [panel.compare_legend.items[i][1].text for i in range(4)]
    square = next(l for l in labels if "cost_square" in l)
    lowest = float(square.split("lowest at ")[1])
    assert lowest == pytest.approx(n.mean(), abs=(x[1] - x[0]))        # d² is lowest at the mean
    panel.output.setCurrentIndex(panel.output.findData("cost_abs"))
    x, y = panel.curve.getData()
    np.testing.assert_allclose(y, [np.mean(np.abs(n - v)) for v in x])


def test_cost_comparison_title_counts_the_costs_it_plots(qtbot):
    panel = OneDPanel(Session(document=load(examples_dir() / "slope.json")))
    qtbot.addWidget(panel)
    title = panel.compare_plot.getPlotItem().titleLabel.text
    assert len(panel.compare_curves) == 1 and title == "The cost on this data"
    mm = OneDPanel(Session(document=load(examples_dir() / "mm_bag.json")))
    qtbot.addWidget(mm)
    assert mm.compare_plot.getPlotItem().titleLabel.text == "The same data, four costs"

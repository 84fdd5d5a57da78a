"""The activation panel's value boxes stay inside their plots: near the top of a curve
(f'(x) of a sigmoid at its peak) the box goes below the point instead of off the plot."""
from test_install import open_panel

from visualnn.io import examples_dir, load


def test_value_boxes_stay_inside_their_plots_near_the_top_of_the_curve(qtbot, window):
    window.resize(1366, 768)
    window.show_model(load(examples_dir() / "mazur_2_2_2.json").model)
    panel = open_panel(window, "Activation")
    for _ in range(4):                                   # out_h2: net 0.3925, f' = 0.2406 just under the peak 0.25
        window.session.step()
    qtbot.waitUntil(lambda: panel.text_d.isVisible())
    qtbot.wait(50)
    for box, plot in ((panel.text_f, panel.plot_f), (panel.text_d, panel.plot_d)):
        inside = plot.vb.sceneBoundingRect()
        assert inside.contains(box.sceneBoundingRect()), (box.toPlainText(), box.sceneBoundingRect(), inside)

"""The Qt user interface: the only package that imports PySide6 / pyqtgraph.

``session.Session`` holds the open network and its stepper and emits the
signals every panel listens to; ``main_window.MainWindow`` assembles the
graph view, controls and docks (``add_dock``)."""

"""Documented limits (docs/file-format.md, "Limits"): what a file may ask for.

The loader computes what a file will cost before it builds anything big and
refuses, naming the number and the limit, what goes beyond these. They keep a
small hostile file (a 250-byte layer of 999,999 neurons, a generator of a
million samples, a lecture of 190 million clicks) from freezing the app or
exhausting memory; a teaching network is orders of magnitude smaller, and
everything within them opens in seconds.
"""
MAX_FILE_BYTES = 50 * 1024 * 1024      # a network file, or a CSV data file
MAX_NODES = 20_000                     # nodes of the graph (a neuron is two: its weighted sum and its output)
MAX_WEIGHTS = 100_000                  # edges of the graph / weight-matrix entries
MAX_SAMPLES = 100_000                  # training plus test samples, however given
MAX_DATA_VALUES = 2_000_000            # numbers in the data (samples x columns)
MAX_LECTURE_CLICKS = 100_000           # clicks through all the slides of a lecture
MAX_EPOCHS = 10_000_000
MAX_DEPTH = 100                        # nesting of JSON arrays and objects
MAX_NAME_LENGTH = 200                  # node, parameter, input and target names
MAX_TEXT_LENGTH = 1_000_000            # title, description
MAX_EXPORT_FRAMES = 20_000             # frames of one export
MAX_EXPORT_PIXELS = 4_000_000_000      # frames x width x height of one export (2,000 frames of 1920x1080)

FORMAT_NAME = "visualnn"
FORMAT_VERSION = 1

# (what, limit) as docs/file-format.md lists them
LIMITS = (("file size (network or CSV), bytes", MAX_FILE_BYTES), ("graph nodes", MAX_NODES),
          ("edges (weights)", MAX_WEIGHTS), ("samples (training + test)", MAX_SAMPLES),
          ("numbers in the data", MAX_DATA_VALUES), ("lecture clicks", MAX_LECTURE_CLICKS),
          ("training epochs", MAX_EPOCHS), ("nesting depth", MAX_DEPTH), ("name length", MAX_NAME_LENGTH),
          ("title or description length", MAX_TEXT_LENGTH), ("export frames", MAX_EXPORT_FRAMES),
          ("export frames x pixels", MAX_EXPORT_PIXELS))

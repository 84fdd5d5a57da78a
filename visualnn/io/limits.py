"""Documented limits: files beyond these are refused before anything big is built.

They keep a broken or hostile file from freezing the app or exhausting memory;
a teaching network is many orders of magnitude smaller.
"""
MAX_FILE_BYTES = 50 * 1024 * 1024      # a network file, or a CSV data file
MAX_NODES = 1_000_000                  # nodes of the graph (neuron view)
MAX_WEIGHTS = 5_000_000                # edges / weight-matrix entries
MAX_DATA_VALUES = 10_000_000           # numbers in the data (samples x columns)
MAX_SAMPLES = 1_000_000                # samples a generator may make
MAX_EPOCHS = 10_000_000
MAX_DEPTH = 100                        # nesting of JSON arrays and objects
MAX_NAME_LENGTH = 200                  # node, parameter, input and target names
MAX_TEXT_LENGTH = 1_000_000            # title, description

FORMAT_NAME = "visualnn"
FORMAT_VERSION = 1

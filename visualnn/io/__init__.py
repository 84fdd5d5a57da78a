"""The visualnn file format: load, check, save.  Never imports Qt.

::

    from visualnn.io import load, save
    doc = load("examples/mazur_2_2_2.json")   # FileFormatError lists every problem
    doc.model.params["w5"] = 0.3
    save(doc, "mine.json")                     # atomic
"""
from .csv_data import read_csv
from .document import Document, dumps, load, loads, save, to_json
from .errors import FileFormatError, Problem, SaveError
from .lecture import validate_lecture
from .limits import FORMAT_NAME, FORMAT_VERSION, MAX_DATA_VALUES, MAX_FILE_BYTES, MAX_NODES, MAX_WEIGHTS
from .paths import examples_dir, list_examples

__all__ = ["Document", "FileFormatError", "Problem", "SaveError", "load", "loads", "save", "dumps", "to_json",
           "read_csv", "validate_lecture", "examples_dir", "list_examples", "FORMAT_NAME", "FORMAT_VERSION",
           "MAX_FILE_BYTES", "MAX_NODES", "MAX_WEIGHTS", "MAX_DATA_VALUES"]

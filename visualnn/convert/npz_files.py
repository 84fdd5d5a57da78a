"""NumPy ``.npz`` files of weight matrices, with a small layer description.

Arrays ``W1, b1, W2, b2, ...`` (or ``<layer>.weight`` / ``<layer>.bias``, as
``np.savez(path, **state_dict)`` writes), each weight shaped (outputs,
inputs) as PyTorch keeps it, and the activations: an array ``activations``
in the file (``np.array(["tanh", "sigmoid"])``) or given by the caller.
Read with ``allow_pickle=False``: an object array is refused, never unpickled.
"""
from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from .dense import ImportRefused, Piece
from .torch_files import state_dict_pieces

NUMBERED = re.compile(r"([Ww]|[Bb])(\d+)")


def read_npz(path: Path, activations: list[str] | None) -> list[Piece]:
    source = str(path)
    try:
        with np.load(path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except ValueError as err:
        raise ImportRefused(f"{source}: {err} (object arrays are pickles; they are not loaded)") from None
    except (OSError, EOFError) as err:
        raise ImportRefused(f"{source}: not a NumPy .npz file: {err}") from None
    described = arrays.pop("activations", None)
    if activations is None and described is not None:
        activations = [str(a) for a in np.atleast_1d(described)]
    sd: dict[str, np.ndarray] = {}
    numbered = {k: NUMBERED.fullmatch(k) for k in arrays}
    if all(numbered.values()):
        order = sorted(arrays, key=lambda k: (int(numbered[k].group(2)), k.lower() != "w" + numbered[k].group(2)))
        for k in order:
            m = numbered[k]
            sd[f"{m.group(2)}.{'weight' if m.group(1) in 'Ww' else 'bias'}"] = arrays[k]
    else:
        sd = arrays
    return state_dict_pieces(sd, activations, source)

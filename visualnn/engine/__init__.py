"""The NumPy engine: graphs, ops, traces, optimizers, training. Never imports Qt."""
from .graph import Graph, GraphError, Node
from .model import Dataset, Model, TrainingSettings
from .network import DenseModel, Layer, LayeredSpec, compile_layered
from .ops import OPS
from .optimizers import OPTIMIZERS, make_optimizer
from .trace import State, Step, Stepper, Trace, record

__all__ = ["Dataset", "Model", "TrainingSettings", "Graph", "GraphError", "Node", "DenseModel", "Layer", "LayeredSpec",
           "compile_layered", "OPS", "OPTIMIZERS", "make_optimizer", "State", "Step", "Stepper", "Trace", "record"]

"""visualnn: see a neural network compute and learn, one operation at a time."""
__version__ = "0.1.0"

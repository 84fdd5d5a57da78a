"""Plot panels docked around the stepper window: activation curves, loss
surfaces (2-D map and 3-D), marble races, 1-D loss curves and training."""

"""pptrack: track contested figures over time, with their provenance."""

__version__ = "0.1.0"

"""Marketing vs Sales: lesson widgets, datasets, learner checks and instructor tools."""

__version__ = "0.1.0"

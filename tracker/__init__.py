"""tracker: watch the Export Administration Regulations (15 CFR) and report what changed.

The package is a library first; :mod:`tracker.cli` is a thin command line over it.
"""

__version__ = "0.1.0"

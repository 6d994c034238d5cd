"""The tests. Layout rule: a test file sits in ``tests/<name>/``, named for the module ``tracker/<name>.py`` or
the package ``tracker/<name>/`` it tests; the command-line tests sit in ``tests/cli/test_<module>.py``, one per
``tracker/cli/<module>.py``. Two exceptions: ``tests/drills/`` holds the hostile-input and crash drills across
layers, and top-level ``tests/test_*.py`` check the project as a whole (the goldens, the docs). Helpers only tests
use live here (``tests/support.py``, ``samples.py``, ``conftest.py``), never in ``tracker/``.
"""

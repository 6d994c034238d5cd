"""The doctests of the modules that run compiled, read from their sources and run against the compiled modules (mypyc
keeps no docstrings, so pytest's ``--doctest-modules`` cannot find them there)."""

from __future__ import annotations

import ast
import doctest
import importlib
from pathlib import Path

import pytest

from tests.compiled import ROOT, compiled_sources


def _docstrings(source: Path) -> list[tuple[str, int, str]]:
    """``(name, line, docstring)`` of the module and of each function, class and method with examples."""
    tree = ast.parse(source.read_text("utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            text = ast.get_docstring(node, clean=False)
            if text and ">>>" in text:
                found.append((getattr(node, "name", "__doc__"), getattr(node, "lineno", 0), text))
    return found


def _module(source: Path) -> str:
    return ".".join(source.relative_to(ROOT).with_suffix("").parts)


CASES = [(source, *doc) for source in sorted(compiled_sources()) for doc in _docstrings(source)]


@pytest.mark.skipif(not CASES, reason="no module runs compiled: pytest's --doctest-modules runs their doctests")
@pytest.mark.parametrize(("source", "name", "line", "text"), CASES,
                         ids=[f"{_module(s)}.{n}" for s, n, _, _ in CASES] or None)
def test_doctest_of_a_compiled_module(source: Path, name: str, line: int, text: str) -> None:
    module = importlib.import_module(_module(source))
    assert str(getattr(module, "__file__", "")).endswith(".so"), "the module runs compiled"
    test = doctest.DocTestParser().get_doctest(text, dict(vars(module)), f"{_module(source)}.{name}", str(source),
                                                line)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    out: list[str] = []
    runner.run(test, out=out.append)
    assert not runner.failures, "".join(out)

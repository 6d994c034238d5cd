"""Real eCFR files cut mid-element (``*.xml.part`` in ../shared): the text as it is, with its open tags closed."""

from __future__ import annotations

import re
from pathlib import Path

_TAG = re.compile(r"<(/?)([A-Za-z][\w.-]*)[^<>]*?(/?)>")


def closed(path: Path) -> bytes:
    """The file's bytes with the elements still open at its cut closed, innermost first.

    A cut inside a tag or an entity is dropped back to the last complete tag or text.
    """
    text = path.read_text(encoding="utf-8")
    text = text[: text.rfind("<")] if text.rfind("<") > text.rfind(">") else text
    text = text[: text.rfind("&")] if text.rfind("&") > text.rfind(";") else text
    stack: list[str] = []
    for m in _TAG.finditer(text):
        if m.group(1):
            assert stack and stack[-1] == m.group(2), f"{path.name}: </{m.group(2)}> closes <{stack[-1:]}>"
            stack.pop()
        elif not m.group(3):
            stack.append(m.group(2))
    return (text + "".join(f"</{tag}>" for tag in reversed(stack))).encode()

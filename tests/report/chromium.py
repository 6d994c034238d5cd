"""Headless Chromium over the DevTools protocol on a pipe (no extra Python package needed).

:func:`open_page` loads a file, waits for it, takes a screenshot and reports console errors,
so a test can assert how the page really renders.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


def chromium_binary() -> str | None:
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def install_chromium() -> str | None:
    """Install Debian's chromium package when we may (root, apt-get present); the binary, or None.

    The test setup calls this so CI (a fresh Debian machine, run as root) has the browser; on a
    developer's machine without root nothing is installed and the browser tests skip.
    """
    if chromium_binary() or os.geteuid() != 0 or not shutil.which("apt-get"):
        return chromium_binary()
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    for step in (["apt-get", "update", "-q"], install):
        subprocess.run(step, env=env, capture_output=True, timeout=900, check=False)
    return chromium_binary()


@dataclass
class Page:
    screenshot: Path
    errors: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def _as_fds_3_and_4(commands: int, answers: int) -> None:
    """In the child: Chromium reads commands on fd 3 and writes answers on fd 4."""
    high = [fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (commands, answers)]
    os.dup2(high[0], 3)
    os.dup2(high[1], 4)


class _Pipe:
    def __init__(self, binary: str) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()
        self.proc = subprocess.Popen(
            [binary, "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
             "--no-first-run", "--window-size=1000,1400", "about:blank"],
            pass_fds=(3, 4),
            preexec_fn=lambda: _as_fds_3_and_4(to_chrome_r, from_chrome_w),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []

    def _read(self) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chrome, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def call(self, method: str, session: str | None = None, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        msg: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self._to_chrome, json.dumps(msg).encode() + b"\0")
        while True:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self.events.append(answer)

    def wait_for(self, method: str) -> None:
        while not any(e.get("method") == method for e in self.events):
            self.events.append(self._read())

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError):
            self.call("Browser.close")
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def open_page(binary: str, html: Path, screenshot: Path, expressions: dict[str, str]) -> Page:
    """Load ``html``, evaluate each JavaScript expression (JSON result), save a PNG screenshot."""
    pipe = _Pipe(binary)
    try:
        target = pipe.call("Target.createTarget", url="about:blank")["targetId"]
        session = pipe.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log"):
            pipe.call(f"{domain}.enable", session)
        pipe.call("Page.navigate", session, url=html.resolve().as_uri())
        pipe.wait_for("Page.loadEventFired")
        page = Page(screenshot)
        for name, expression in expressions.items():
            result = pipe.call("Runtime.evaluate", session, expression=expression, returnByValue=True)
            page.values[name] = result["result"].get("value")
        shot = pipe.call("Page.captureScreenshot", session, format="png", captureBeyondViewport=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        for e in pipe.events:
            params = e.get("params", {})
            if e.get("method") == "Runtime.exceptionThrown":
                page.errors.append(params["exceptionDetails"].get("text", "exception"))
            elif e.get("method") == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                page.errors.append(str(params.get("args")))
            elif e.get("method") == "Log.entryAdded" and params["entry"].get("level") == "error":
                page.errors.append(params["entry"].get("text", ""))
        return page
    finally:
        pipe.close()

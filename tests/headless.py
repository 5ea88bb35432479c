"""A small driver for headless Chromium over the DevTools protocol (``--remote-debugging-pipe``: no port, no extra
package), for the browser tests: open a page at a given viewport width (a phone is emulated with touch), run
JavaScript in it, tap or click a point, take a screenshot, and collect console errors and uncaught exceptions.

Headless Chromium cannot make a window narrower than 500 px, so narrow viewports are emulated
(``Emulation.setDeviceMetricsOverride``), as the browser's own device toolbar does.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
PHONE_WIDTH = 700  # below this many CSS pixels a viewport is emulated as a phone (touch, mobile viewport)

# Every window.open call is recorded instead of opening a tab, so a test can see what a click would have opened.
RECORD_OPENS = "window.__opened = []; window.open = function (url) { window.__opened.push(String(url)); return null; };"


def find_browser() -> str | None:
    """The first Chromium or Chrome executable on PATH, or None."""
    for name in BROWSERS:
        if path := shutil.which(name):
            return path
    return None


class BrowserError(RuntimeError):
    """The browser failed, or a protocol command returned an error."""


class Chromium:
    """One headless Chromium process; ``page(url, width)`` opens a tab. Use as a context manager."""

    def __init__(self, executable: str, timeout: float = 60):
        self.timeout = timeout
        self._profile = tempfile.TemporaryDirectory()
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def plumbing():  # the protocol runs on fds 3 (commands in) and 4 (replies out) of the child
            import fcntl

            high_r, high_w = (fcntl.fcntl(fd, fcntl.F_DUPFD, 10) for fd in (to_browser_r, from_browser_w))
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
             "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-quic",
             "--hide-scrollbars", "--mute-audio", f"--user-data-dir={self._profile.name}", "--remote-debugging-pipe",
             "about:blank"],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=plumbing,
            pass_fds=(3, 4, to_browser_r, from_browser_w))
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.send("Browser.close")
        except Exception:  # noqa: BLE001 - closing a browser that already died
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        for fd in (self._to_browser, self._from_browser):
            try:
                os.close(fd)
            except OSError:
                pass
        if self.process.stderr:
            self.process.stderr.close()
        self._profile.cleanup()

    def _read_message(self, deadline: float) -> dict:
        import select

        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0:
                raise BrowserError("the browser did not answer in time")
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 20)
                if not chunk:
                    raise BrowserError("the browser closed its pipe (it crashed or failed to start)")
                self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None) -> dict:
        """Send one protocol command and wait for its reply; events that arrive meanwhile are kept in ``events``."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while True:
            reply = self._read_message(deadline)
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise BrowserError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def wait_for_event(self, method: str, session: str, timeout: float | None = None) -> dict:
        """Wait until an event ``method`` arrives for ``session`` (or was already received)."""
        deadline = time.monotonic() + (timeout or self.timeout)
        while True:
            for i, event in enumerate(self.events):
                if event.get("method") == method and event.get("sessionId") == session:
                    return self.events.pop(i)
            self.events.append(self._read_message(deadline))

    def page(self, url: str, width: int = 1280, height: int = 900) -> Page:
        """Open ``url`` in a new tab with a viewport ``width`` CSS pixels wide (a touch phone below ``PHONE_WIDTH``)."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        page = Page(self, session, width, height)
        for domain in ("Page", "Runtime", "Log"):
            self.send(f"{domain}.enable", session=session)
        mobile = width < PHONE_WIDTH
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height, "deviceScaleFactor": 1,
                                                         "mobile": mobile}, session)
        if mobile:
            self.send("Emulation.setTouchEmulationEnabled", {"enabled": True, "maxTouchPoints": 1}, session)
        self.send("Page.addScriptToEvaluateOnNewDocument", {"source": RECORD_OPENS}, session)
        self.send("Page.navigate", {"url": url}, session)
        self.wait_for_event("Page.loadEventFired", session)
        return page


class Page:
    """A tab opened by ``Chromium.page``."""

    def __init__(self, browser: Chromium, session: str, width: int, height: int):
        self.browser, self.session, self.width, self.height = browser, session, width, height

    def evaluate(self, expression: str, await_promise: bool = True):
        """The value of a JavaScript expression (JSON-serialisable), awaiting it if it is a promise."""
        result = self.browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True,
                                                        "awaitPromise": await_promise}, self.session)
        if "exceptionDetails" in result:
            details = result["exceptionDetails"]
            raise BrowserError(f"{details.get('text')}: {details.get('exception', {}).get('description', '')}")
        return result["result"].get("value")

    def wait_for(self, condition: str, timeout_ms: int = 20000) -> None:
        """Wait until the JavaScript ``condition`` is true."""
        ok = self.evaluate(f"""new Promise(function (done) {{
            var t0 = Date.now();
            (function poll() {{
                var ok = false; try {{ ok = !!({condition}); }} catch (e) {{}}
                if (ok) {{ done(true); }} else if (Date.now() - t0 > {timeout_ms}) {{ done(false); }} else {{ setTimeout(poll, 50); }}
            }})();
        }})""")
        if not ok:
            raise BrowserError(f"timed out waiting for: {condition}")

    def settle(self, ms: int = 300) -> None:
        """Let pending timers and animation frames run."""
        self.evaluate("new Promise(function (done) { setTimeout(function () { requestAnimationFrame(function () { done(true); }); }, "
                      f"{ms}); }})")

    def tap(self, x: float, y: float) -> None:
        """A tap (touch viewport) or a left click (otherwise) at viewport point (x, y)."""
        if self.width < PHONE_WIDTH:
            point = [{"x": x, "y": y, "radiusX": 1, "radiusY": 1, "force": 1, "id": 0}]
            self.browser.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": point}, self.session)
            self.browser.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []}, self.session)
        else:
            for kind in ("mouseMoved", "mousePressed", "mouseReleased"):
                press = kind != "mouseMoved"
                self.browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left" if press else "none",
                                                               "clickCount": 1 if press else 0}, self.session)
        self.settle()

    def hover(self, x: float, y: float) -> None:
        """Move the mouse to viewport point (x, y)."""
        self.browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": x, "y": y}, self.session)
        self.settle()

    def scroll_to(self, y: float) -> None:
        self.evaluate(f"window.scrollTo(0, {y}); true")
        self.settle(100)

    def screenshot(self, path: Path, full_page: bool = True) -> Path:
        """Save a PNG of the viewport, or of the whole page (``full_page``)."""
        params: dict = {"format": "png"}
        if full_page:
            height = self.evaluate("Math.ceil(document.documentElement.scrollHeight)")
            params.update(captureBeyondViewport=True, clip={"x": 0, "y": 0, "width": self.width, "height": height, "scale": 1})
        data = self.browser.send("Page.captureScreenshot", params, self.session)["data"]
        Path(path).write_bytes(base64.b64decode(data))
        return Path(path)

    def errors(self) -> list[str]:
        """Console errors, uncaught exceptions and error log entries of this tab so far."""
        found = []
        for event in self.browser.events:
            if event.get("sessionId") != self.session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                details = params["exceptionDetails"]
                found.append(f"uncaught: {details.get('exception', {}).get('description') or details.get('text')}")
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append("console: " + " ".join(str(a.get("value", a.get("description", ""))) for a in params.get("args", [])))
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}".strip())
        return found

    def opened(self) -> list[str]:
        """URLs the page tried to open with window.open."""
        return self.evaluate("window.__opened")

    def dom(self) -> str:
        return self.evaluate("document.documentElement.outerHTML")

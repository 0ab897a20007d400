"""A report and the index opened in headless Chromium (Debian's ``chromium``).

The browser is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages separated by NUL bytes on file descriptors 3 and 4), so the test needs no
websocket client and no port. It records every request the page makes, every console
message, exception and dialog, clicks the index's sort header, and saves a screenshot.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import select
import shutil
import struct
import subprocess
import time
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from assess.batch._runner import render_reports, write_index
from assess.scoring._result import load_result

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--remote-debugging-pipe",
]


@pytest.fixture(scope="module")
def chromium() -> str:
    if not Path(CHROMIUM).is_file():
        message = f"{CHROMIUM} is not installed (Debian: apt-get install chromium; `make system` does it)"
        if os.environ.get("CI"):
            pytest.fail(message)  # the Makefile installs it: missing in CI is a real failure
        pytest.skip(message)
    return CHROMIUM


class Browser:
    """A headless Chromium and one page, over the DevTools pipe."""

    def __init__(self, executable: str, profile: Path, log: Path) -> None:
        to_chrome_r, self._to_chrome = os.pipe()
        self._from_chrome, from_chrome_w = os.pipe()

        def onto_3_and_4() -> None:  # in the child, before exec: the pipe ends become fds 3 and 4
            read_end = fcntl.fcntl(to_chrome_r, fcntl.F_DUPFD, 10)
            write_end = fcntl.fcntl(from_chrome_w, fcntl.F_DUPFD, 10)
            os.dup2(read_end, 3)
            os.dup2(write_end, 4)

        self._log = log.open("wb")
        self.process = subprocess.Popen(
            [executable, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            close_fds=False,
            preexec_fn=onto_3_and_4,  # the test process runs no threads of its own here
        )
        os.close(to_chrome_r)
        os.close(from_chrome_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        target = self.call("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable", session=True)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            {"width": 1200, "height": 900, "deviceScaleFactor": 1, "mobile": False},
            session=True,
        )

    def _messages(self, timeout: float) -> Iterator[dict[str, Any]]:
        deadline = time.monotonic() + timeout
        while True:
            while b"\0" in self._buffer:
                raw, self._buffer = self._buffer.split(b"\0", 1)
                yield json.loads(raw)
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError("Chromium did not answer in time")
            ready, _, _ = select.select([self._from_chrome], [], [], left)
            if ready:
                chunk = os.read(self._from_chrome, 1 << 20)
                if not chunk:
                    raise RuntimeError("Chromium closed the DevTools pipe")
                self._buffer += chunk

    def call(
        self, method: str, params: dict[str, Any] | None = None, session: bool = False, timeout: float = 30
    ) -> dict[str, Any]:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_chrome, json.dumps(message).encode() + b"\0")
        for reply in self._messages(timeout):
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            if "method" in reply:
                self.events.append(reply)
        raise AssertionError("unreachable")

    def wait_for(self, method: str, timeout: float = 30) -> dict[str, Any]:
        for event in self.events:
            if event.get("method") == method:
                return event
        for message in self._messages(timeout):
            if "method" in message:
                self.events.append(message)
                if message["method"] == method:
                    return message
        raise AssertionError("unreachable")

    def open(self, url: str) -> None:
        self.events.clear()
        self.call("Page.navigate", {"url": url}, session=True)
        self.wait_for("Page.loadEventFired")
        self.settle()

    def settle(self, seconds: float = 0.5) -> None:
        """Collect the events of the next ``seconds`` (late console messages, requests)."""
        try:
            for message in self._messages(seconds):
                if "method" in message:
                    self.events.append(message)
        except TimeoutError:
            pass

    def evaluate(self, expression: str) -> Any:
        reply = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True}, session=True)
        if "exceptionDetails" in reply:
            raise AssertionError(f"{expression}: {reply['exceptionDetails']}")
        return reply["result"].get("value")

    def screenshot(self, path: Path) -> bytes:
        data = base64.b64decode(self.call("Page.captureScreenshot", {"format": "png"}, session=True)["data"])
        path.write_bytes(data)
        return data

    def problems(self, page_url: str) -> dict[str, list[str]]:
        """Requests other than the page itself and ``data:`` URLs; console errors,
        exceptions and dialogs."""
        requests, errors = [], []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if url != page_url and not url.startswith("data:"):
                    requests.append(url)
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert", "warning"):
                errors.append(json.dumps(params.get("args"), ensure_ascii=False)[:300])
            elif method == "Runtime.exceptionThrown":
                errors.append(json.dumps(params.get("exceptionDetails"), ensure_ascii=False)[:300])
            elif method == "Log.entryAdded" and params["entry"].get("level") in ("error", "warning"):
                errors.append(params["entry"].get("text", "")[:300])
            elif method == "Page.javascriptDialogOpening":
                errors.append(f"dialog: {params.get('message')}")
        return {"requests": requests, "errors": errors}

    def close(self) -> None:
        try:
            self.call("Browser.close", timeout=5)
        except (OSError, RuntimeError, TimeoutError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        os.close(self._to_chrome)
        os.close(self._from_chrome)
        self._log.close()


def _non_blank_png(data: bytes) -> tuple[int, int, int]:
    """Width, height and number of distinct scanlines of a PNG (8-bit RGB or RGBA)."""
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width, height, depth, colour = struct.unpack(">IIBB", data[16:26])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    pos, idat = 8, b""
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8 : pos + 8 + length]
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = 1 + width * (3 if colour == 2 else 4)
    rows = {raw[i * stride + 1 : (i + 1) * stride] for i in range(height)}
    return width, height, len(rows)


@pytest.fixture(scope="module")
def rendered(planted_scored: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The planted group G02 and G01 rendered by the real batch, with the index."""
    scored = planted_scored
    out = tmp_path_factory.mktemp("site")
    outcomes = render_reports(scored / "results", out, ["G01", "G02"], progress=False)
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    write_index(load_result(scored / "results"), outcomes, out)
    return out


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Iterator[Browser]:
    instance = Browser(chromium, tmp_path / "profile", tmp_path / "chromium.log")
    try:
        yield instance
    finally:
        instance.close()


@pytest.mark.slow
def test_report_renders_offline_without_errors(rendered: Path, browser: Browser, tmp_path: Path) -> None:
    url = (rendered / "reports" / "G02.html").as_uri()
    browser.open(url)
    assert browser.problems(url) == {"requests": [], "errors": []}
    assert browser.evaluate("document.querySelectorAll('script').length") == 0
    assert browser.evaluate("document.querySelector('h1').textContent") == "<script>alert(1)</script>"
    images = browser.evaluate("Array.from(document.images).map(i => i.complete && i.naturalWidth > 100)")
    assert images == [True, True, True]
    width, height, distinct = _non_blank_png(browser.screenshot(tmp_path / "report.png"))
    assert (width, height) == (1200, 900)
    assert distinct > 50, "the screenshot is blank"


@pytest.mark.slow
def test_index_renders_and_sorts_without_errors(rendered: Path, browser: Browser, tmp_path: Path) -> None:
    url = (rendered / "index.html").as_uri()
    browser.open(url)
    first = "document.querySelector('table.sortable tbody tr td').textContent"
    assert browser.evaluate(first) != "G06"
    browser.evaluate(
        "document.querySelector('table.sortable th').click(); document.querySelector('table.sortable th').click()"
    )
    assert browser.evaluate(first) == "G06"  # sorted by group, descending
    browser.settle(0.3)
    assert browser.problems(url) == {"requests": [], "errors": []}
    width, height, distinct = _non_blank_png(browser.screenshot(tmp_path / "index.png"))
    assert distinct > 50, "the screenshot is blank"


@pytest.fixture(scope="module")
def rendered_zh(planted_scored: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """G01 in Chinese, rendered by the real batch, and the Chinese index."""
    scored = planted_scored
    out = tmp_path_factory.mktemp("site-zh")
    outcomes = render_reports(scored / "results", out, ["G01"], progress=False, lang="zh")
    assert all(o.ok for o in outcomes), [o.error for o in outcomes]
    write_index(load_result(scored / "results"), outcomes, out, lang="zh")
    return out


@pytest.mark.slow
@pytest.mark.parametrize("page", ["reports/G01.html", "index.html"])
def test_chinese_report_and_index_render_without_errors(
    rendered_zh: Path, browser: Browser, tmp_path: Path, page: str
) -> None:
    """A Chinese report and the Chinese index: no request, no error, Chinese headings, the
    print-only running header hidden on screen, and a screenshot that is not blank."""
    url = (rendered_zh / page).as_uri()
    browser.open(url)
    assert browser.problems(url) == {"requests": [], "errors": []}
    assert browser.evaluate("document.documentElement.lang") == "zh-CN"
    headings = browser.evaluate("Array.from(document.querySelectorAll('h2')).map(h => h.textContent)")
    assert headings and all(any("\u4e00" <= ch <= "\u9fff" for ch in h) for h in headings), headings
    if page.startswith("reports/"):
        assert "存在问题及改进建议" in headings and "考核意见" in headings
    running = "getComputedStyle(document.querySelector('.assess-running')).display"
    assert browser.evaluate(running) == "none"
    _, _, distinct = _non_blank_png(browser.screenshot(tmp_path / f"zh-{Path(page).stem}.png"))
    assert distinct > 50, "the screenshot is blank"

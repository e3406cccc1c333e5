"""What the studio's tests share (a plugin of conftest.py, so its fixtures are everywhere): the real server on a free port (`studio`), requests to it
(`Studio.request`, `.post`, `.upload` for multipart with files), and Debian's headless
Chromium with axe-core (`browser`, `check_page`)."""

from __future__ import annotations

import contextlib
import json
import mimetypes
import os
import re
import secrets
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from conftest import tool
from workbook.studio import free_port
from workbook.studio.app import create_app

TOKEN = "test-token-0123456789"
THREE = ["i-statements", "boundary-planning", "objection-handling"]


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


@dataclass
class Studio:
    port: int
    output: Path
    scratch: Path | None = None

    def request(self, path: str = "/", data: bytes | None = None, cookie: bool = True,
                headers: dict[str, str] | None = None) -> Reply:  # fmt: skip
        sent = dict(headers or {})
        if cookie:
            sent.setdefault("Cookie", f"workbook_studio={TOKEN}")
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data, sent)
        try:
            with urllib.request.build_opener(NoRedirect).open(request, timeout=120) as reply:
                return Reply(reply.status, {k.lower(): v for k, v in reply.headers.items()},
                             reply.read())  # fmt: skip
        except urllib.error.HTTPError as error:
            return Reply(error.code, {k.lower(): v for k, v in error.headers.items()},
                         error.read())  # fmt: skip

    def csrf(self) -> str:
        found = re.search(r'name="csrf" value="([^"]+)"', self.request().text)
        assert found
        return found.group(1)

    def upload(self, path: str, fields: dict[str, Any],
               files: list[tuple[str, str, bytes]], csrf: str | None = None) -> Reply:  # fmt: skip
        """POST `fields` (a list value repeats the field) and `files` as multipart/form-data."""
        pairs = [("csrf", self.csrf() if csrf is None else csrf)]
        for name, value in fields.items():
            pairs += [(name, str(v)) for v in (value if isinstance(value, list) else [value])]
        body, kind = multipart(pairs, files)
        return self.request(path, body, headers={"Content-Type": kind})

    def post(self, action: str, *, csrf: str | None = None, **fields: Any) -> Reply:
        pairs = [("csrf", self.csrf() if csrf is None else csrf), ("action", action)]
        for name, value in fields.items():
            values = value if isinstance(value, list) else [value]
            pairs += [(name, str(v)) for v in values]
        return self.request("/", urllib.parse.urlencode(pairs).encode())


@contextlib.contextmanager
def running(output: Path, scratch: Path, dirs: tuple[Path, ...] = (),
            host: str = "127.0.0.1") -> Iterator[Studio]:  # fmt: skip
    """The real studio server on a free port, for as long as the block runs."""
    port = free_port()
    app = create_app(TOKEN, host, port, output, scratch, dirs)
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, access_log=False,
                                           log_level="warning", lifespan="off"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the studio did not start"
        time.sleep(0.05)
    try:
        yield Studio(port, output, scratch)
    finally:
        server.should_exit = True
        thread.join(timeout=30)


@pytest.fixture(scope="module")
def studio(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Studio]:
    with running(tmp_path_factory.mktemp("output"), tmp_path_factory.mktemp("scratch")) as it:
        yield it


def multipart(fields: list[tuple[str, str]],
              files: list[tuple[str, str, bytes]]) -> tuple[bytes, str]:  # fmt: skip
    """A multipart/form-data body of `fields` and `files` (field, file name, bytes)."""
    boundary = "studio" + secrets.token_hex(8)
    parts: list[bytes] = []
    for name, value in fields:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                     f"{value}\r\n".encode())  # fmt: skip
    for name, filename, data in files:
        kind = mimetypes.guess_type(filename)[0] or "application/octet-stream"
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
                     + data + b"\r\n")  # fmt: skip
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


# -- in a real browser (Debian's Chromium), with axe-core ---------------------------------

AXE = Path(__file__).parent / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = 360


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    """Headless Chromium 360 px wide, with a fresh profile (no network, no updates)."""
    binary = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else tool("chromium")
    driver_path = tool("chromedriver")
    webdriver = pytest.importorskip("selenium.webdriver")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = binary
    profile = tmp_path_factory.mktemp("studio-profile")
    for arg in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}", f"--window-size={PHONE},800"):  # fmt: skip
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def set_width(driver: Any, width: int) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 800, "deviceScaleFactor": 1,
                            "mobile": width < 600})  # fmt: skip


def axe(driver: Any) -> list[dict[str, Any]]:
    if not AXE.is_file():
        if os.environ.get("CI"):
            pytest.fail("axe-core is not installed in tests/web; .ci/web installs it")
        pytest.skip("axe-core is not installed: run `npm ci` in tests/web")
    driver.set_script_timeout(120)
    driver.execute_script(AXE.read_text(encoding="utf-8"))
    found = driver.execute_async_script(
        "var done = arguments[arguments.length - 1];"
        "axe.run(document, {resultTypes: ['violations']}).then(function (r) { done(r.violations); },"
        " function (e) { done([{id: 'axe-error', impact: 'critical', help: String(e), nodes: []}]); });"
    )
    return [
        {"id": v["id"], "help": v["help"], "where": [n["target"] for n in v["nodes"][:3]]}
        for v in found
        if v.get("impact") in ("serious", "critical")
    ]


def check_page(driver: Any) -> None:
    """No serious axe finding, and no sideways scrolling, on a phone and on a desktop."""
    for width in (PHONE, 1280):
        set_width(driver, width)
        problems = axe(driver)
        assert not problems, json.dumps(problems, indent=1)
        wide = driver.execute_script("return document.documentElement.scrollWidth")
        assert wide <= width, f"{wide} px wide at {width} px"

"""Browser test helpers: Chromium, guarded pages, servers, waits for drawn charts."""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOTS = ROOT / "build" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}
#: Generous waits: two cores shared by a kernel, a server and the browser.
TIMEOUT_MS = 120_000

#: True when every ``.rbclab-chart`` (static page) holds a drawn svg or canvas.
ALL_STATIC_CHARTS_DRAWN = """() => {
  const charts = [...document.querySelectorAll('.rbclab-chart')];
  return charts.length > 0 && charts.every(c => c.querySelector('svg, canvas'));
}"""


def ensure_chromium() -> Path:
    """Debian's chromium, which ``make chromium`` installs (a test never installs packages)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make chromium` (make test does) or install Debian's chromium")
    return CHROMIUM


@dataclass
class Guarded:
    """A page whose requests to other hosts are aborted and recorded, with its console errors."""

    page: object
    external: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str, full_page: bool = True) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path


def is_local_url(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("file", "data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in LOCAL_HOSTS


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_http(url: str, proc: subprocess.Popen, log: Path, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text(errors='replace')[-4000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status < 500:
                    return
        except urllib.error.HTTPError as exc:
            if exc.code < 500:
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail(f"server did not answer {url} within {timeout} s:\n{log.read_text(errors='replace')[-4000:]}")


class Server:
    """A subprocess in its own process group, always stopped (group-wide) on exit."""

    def __init__(self, cmd: list[str], log: Path, cwd: Path | None = None, env: dict | None = None):
        self.log = log
        self._fh = log.open("wb")
        self.proc = subprocess.Popen(
            cmd, cwd=cwd, env=env, stdout=self._fh, stderr=subprocess.STDOUT, start_new_session=True
        )

    def stop(self) -> None:
        if self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGTERM)
                self.proc.wait(timeout=20)
            except (subprocess.TimeoutExpired, ProcessLookupError):
                try:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.proc.wait(timeout=10)
        self._fh.close()


def start_dashboard(notebooks: Path, tmp: Path, data: Path | None = None) -> tuple[Server, str]:
    """``rbclab dashboard`` on a free port of 127.0.0.1, with its own Jupyter dirs."""
    port = free_port()
    env = jupyter_env(tmp)
    cmd = [sys.executable, "-m", "rbclab.cli", "dashboard", "--notebooks", str(notebooks), "--port", str(port)]
    if data is not None:
        cmd += ["--data", str(data)]
    server = Server(cmd, tmp / "voila.log", env=env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/", server.proc, server.log)
    except BaseException:
        server.stop()
        raise
    return server, f"http://127.0.0.1:{port}"


def jupyter_env(tmp: Path) -> dict:
    """Environment with Jupyter's config, data-runtime and workspace dirs inside ``tmp``."""
    env = dict(os.environ)
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR"):
        path = tmp / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env.pop("JUPYTER_TOKEN", None)
    return env


def copy_notebook(source: Path, target_dir: Path) -> Path:
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / source.name
    shutil.copy2(source, target)
    return target


def new_token() -> str:
    return secrets.token_hex(24)


#: Every Vega view inside a Jupyter output (Lab or Voila), as text that changes when it is redrawn.
CHART_SNAPSHOT = """(scope) => [...document.querySelectorAll(scope + ' .vega-embed')].map(e => {
  const svg = e.querySelector('svg'); if (svg) return svg.outerHTML;
  const canvas = e.querySelector('canvas'); return canvas ? canvas.toDataURL() : '';
})"""
ALL_WIDGET_CHARTS_DRAWN = """(scope) => {
  const views = [...document.querySelectorAll(scope + ' .vega-embed')];
  return views.length > 0 && views.every(v => v.querySelector('svg, canvas'));
}"""
#: Text that means a chart fell back to its static HTML or failed to load its script.
FALLBACK_TEXTS = ("Error loading script", "Chart script not found", "could not be drawn")


def assert_charts_are_widgets(page, scope: str) -> int:
    """Every chart in ``scope`` is drawn by a live widget view, none by the text/html fallback."""
    page.wait_for_function(ALL_WIDGET_CHARTS_DRAWN, arg=scope, timeout=TIMEOUT_MS)
    assert page.locator(f"{scope} .rbclab-chart").count() == 0, "a chart shows its static HTML fallback"
    text = page.inner_text(scope)
    for phrase in FALLBACK_TEXTS:
        assert phrase not in text
    return page.locator(f"{scope} .vega-embed").count()


def change_a_filter(page, scope: str) -> str:
    """Change the first widget control that redraws a chart; return what was changed.

    Tries dropdowns, single selects, toggle buttons, sliders and checkboxes in that order,
    waiting for any chart under ``scope`` to change after each; fails if none does.
    """
    before = page.evaluate(CHART_SNAPSHOT, scope)
    changed = f"() => JSON.stringify(({CHART_SNAPSHOT})({scope!r})) !== {json.dumps(json.dumps(before))}"
    tried = []

    def waited(label: str) -> bool:
        tried.append(label)
        try:
            page.wait_for_function(changed, timeout=45_000)
            return True
        except Exception:
            return False

    for select in page.locator(f"{scope} .widget-dropdown select, {scope} .widget-select select:not([multiple])").all():
        values = select.locator("option").evaluate_all("opts => opts.map(o => o.value)")
        current = select.input_value()
        others = [v for v in values if v != current]
        if others and (select.select_option(others[0]) or True) and waited(f"select {others[0]!r}"):
            return tried[-1]
    for button in page.locator(f"{scope} .widget-toggle-buttons button:not(.mod-active)").all()[:2]:
        button.click()
        if waited(f"toggle {button.inner_text()!r}"):
            return tried[-1]
    for handle in page.locator(f"{scope} .widget-slider .noUi-handle, {scope} .widget-hslider .noUi-handle").all()[:2]:
        handle.focus()
        for _ in range(3):
            page.keyboard.press("ArrowRight")
        if waited("slider"):
            return tried[-1]
    for box in page.locator(f"{scope} .widget-checkbox input[type=checkbox]").all()[:2]:
        box.click()
        if waited("checkbox"):
            return tried[-1]
    pytest.fail(f"no widget control redrew a chart; tried: {tried or 'no controls found'}")

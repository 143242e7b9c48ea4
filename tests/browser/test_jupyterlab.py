"""JupyterLab in Chromium: run a notebook, charts draw as live widgets, a filter redraws a chart.

The server is started on 127.0.0.1 with a random port and token, on copies of the notebooks
(so saving never touches the repository), with its own config, runtime and workspace dirs.
"""

import shutil
import sys
from pathlib import Path

import pytest
from browser_support import (
    ROOT,
    TIMEOUT_MS,
    Server,
    assert_charts_are_widgets,
    change_a_filter,
    copy_notebook,
    free_port,
    jupyter_env,
    new_token,
    wait_for_http,
)

FIXTURE = ROOT / "tests" / "fixtures" / "notebooks" / "90_fixture_explorer.ipynb"
NOTEBOOK_02 = sorted((ROOT / "notebooks").glob("02_*.ipynb"))
SCOPE = ".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook"
WIDGET_CONTROLS = (
    ".widget-dropdown, .widget-select, .widget-select-multiple, .widget-slider, .widget-hslider,"
    " .widget-toggle-buttons, .widget-checkbox, .widget-text"
)
RUN_ALL = """async () => {
  const panel = window.jupyterapp.shell.currentWidget;
  await panel.context.ready;
  await panel.sessionContext.ready;
  for (let i = 0; i < 240 && panel.sessionContext.session?.kernel?.status !== 'idle'; i++) {
    await new Promise(r => setTimeout(r, 500));
  }
  return await window.jupyterapp.commands.execute('notebook:run-all-cells');
}"""
CELLS_DONE = """() => {
  const prompts = [...document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt')];
  return prompts.length > 0 && prompts.every(p => /\\[\\d+\\]/.test(p.textContent));
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("lab")
    root = tmp / "notebooks"
    for nb in [FIXTURE, *NOTEBOOK_02[:1]]:
        copy_notebook(nb, root)
    # Lab renders off-screen cells lazily ("contentVisibility"); the test waits for widgets in
    # any cell, so every cell is attached, as a reader scrolling through would see them.
    env = jupyter_env(tmp)
    # the project's own Lab settings (.jupyter/, as make lab uses them): no news, no update
    # check, a read-only extension manager
    shutil.copytree(ROOT / ".jupyter", env["JUPYTER_CONFIG_DIR"], dirs_exist_ok=True)
    settings = Path(env["JUPYTER_CONFIG_DIR"]) / "lab" / "user-settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True, exist_ok=True)
    tracker.write_text('{"windowingMode": "none"}', encoding="utf-8")
    port, token = free_port(), new_token()
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--LabApp.expose_app_in_browser=True",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}",
    ]
    server = Server(cmd, tmp / "lab.log", cwd=root, env=env)
    try:
        wait_for_http(f"http://127.0.0.1:{port}/api/status?token={token}", server.proc, server.log)
        yield f"http://127.0.0.1:{port}", token
    finally:
        server.stop()


def run_notebook_in_lab(guarded_page, lab, name: str, shot: str):
    url, token = lab
    guard = guarded_page(viewport=(1400, 1000))
    page = guard.page
    # a workspace of its own, reset: only this notebook opens, not the tabs of an earlier test
    page.goto(f"{url}/lab/workspaces/{shot}/tree/{name}?token={token}&reset")
    page.wait_for_function(
        "() => window.jupyterapp && document.querySelector('.jp-NotebookPanel .jp-Notebook')", timeout=TIMEOUT_MS
    )
    # Wait until the notebook and its kernel are ready, then run every cell through Lab's own command.
    page.evaluate(RUN_ALL)
    page.wait_for_function(CELLS_DONE, timeout=2 * TIMEOUT_MS)
    charts = assert_charts_are_widgets(page, SCOPE)
    page.locator(f"{SCOPE} .jp-OutputArea-output").locator(WIDGET_CONTROLS).first.wait_for()
    text = page.inner_text(SCOPE)
    assert "Traceback" not in text and "Error displaying widget" not in text
    guard.screenshot(f"jupyterlab-{shot}")
    return guard, charts


def test_jupyterlab_fixture_explorer_draws_and_filters(lab, guarded_page):
    guard, charts = run_notebook_in_lab(guarded_page, lab, FIXTURE.name, "fixture-explorer")
    assert charts == 2
    changed = change_a_filter(guard.page, SCOPE)
    assert changed.startswith("select")
    guard.page.get_by_text("Cases led by", exact=False).first.wait_for()
    guard.screenshot("jupyterlab-fixture-explorer-filtered")
    assert guard.external == [], f"requests to other hosts: {guard.external}"


def test_jupyterlab_notebook_02_draws_and_filters(lab, guarded_page):
    assert NOTEBOOK_02, "notebooks/02_*.ipynb is missing"
    guard, charts = run_notebook_in_lab(guarded_page, lab, NOTEBOOK_02[0].name, NOTEBOOK_02[0].stem)
    assert charts >= 1
    change_a_filter(guard.page, SCOPE)
    guard.screenshot(f"jupyterlab-{NOTEBOOK_02[0].stem}-filtered")
    assert guard.external == [], f"requests to other hosts: {guard.external}"


def test_lab_is_configured_to_stay_on_the_machine(lab):
    """The project's settings turn off the news feed, the update check and the PyPI extension manager."""
    import json
    import re
    import urllib.request

    url, token = lab
    with urllib.request.urlopen(f"{url}/lab?token={token}", timeout=30) as response:
        page = response.read().decode("utf-8")
    config = json.loads(
        re.search(r'<script id="jupyter-config-data" type="application/json">(.*?)</script>', page, re.S).group(1)
    )
    assert config["news"] == {"disabled": True}
    assert config["extensionManager"]["name"] == "read-only"  # the readonly manager, which installs nothing
    with urllib.request.urlopen(
        f"{url}/lab/api/settings/@jupyterlab/apputils-extension:notification?token={token}", timeout=30
    ) as r:
        notification = json.loads(r.read())["settings"]
    assert notification["fetchNews"] == "false" and notification["checkForUpdates"] is False

"""A JupyterLab server for the browser tests: 127.0.0.1 only, a home of its own, no news prompt.

    with running_lab(work, tmp_path, token) as base:   # base: http://127.0.0.1:PORT
        ...

Also the Chromium the tests drive (Debian's, never a downloaded one) and its flags.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


# The notebook's kernel is idle AND the widget manager listens on it: ipywidgets registers its
# 'jupyter.widget' comm target once its extension has loaded; a Run All before that (seen under
# load) opens the widgets' comms with no one listening, so the frontend closes them and every
# widget view says "model not found" (the static copy shows instead of the live panel).
KERNEL_READY_JS = (
    "() => { const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
    " const k = nb && nb.sessionContext && nb.sessionContext.session"
    " && nb.sessionContext.session.kernel;"
    " return !!k && k.status === 'idle' && !!k._targetRegistry"
    " && 'jupyter.widget' in k._targetRegistry; }")


def wait_kernel_ready(page) -> None:
    """Wait until Run All would reach live widgets (see KERNEL_READY_JS)."""
    page.wait_for_function(KERNEL_READY_JS)


# After Run All: "live" once the selector shows; "static" when every code cell has run, the
# kernel is idle and only the panels' static copies show (their live views never rendered).
_RUN_OUTCOME_JS = """(sel) => {
  if (document.querySelector(sel)) return 'live';
  const prompts = [...document.querySelectorAll('.jp-CodeCell .jp-InputPrompt')].map(p => p.textContent);
  const done = prompts.length > 0 && prompts.every(t => /\\[\\d+\\]/.test(t));
  const nb = window.jupyterapp && window.jupyterapp.shell.currentWidget;
  const k = nb && nb.sessionContext && nb.sessionContext.session && nb.sessionContext.session.kernel;
  return done && k && k.status === 'idle' && document.querySelector('.xnb-static') ? 'static' : false;
}"""


def run_all_until_live(page, selector: str, timeout_ms: int = 90_000) -> None:
    """Run All, and wait until ``selector`` (a live widget) shows.

    JupyterLab's widget manager can still miss a notebook's first widget views when Run All comes
    right after the page opened (seen about once in six runs, even idle): every cell has run and
    only the static copies show, each saying to run the cell again. The test does what that copy
    tells a user, once, and then the live view must show.
    """
    from playwright.sync_api import expect

    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    outcome = page.wait_for_function(_RUN_OUTCOME_JS, arg=selector, timeout=timeout_ms).json_value()
    if outcome == "static":
        print(f"browser_lab: live views missing after Run All; running again for {selector}")
        wait_kernel_ready(page)
        page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
        page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()
    expect(page.locator(selector).first).to_be_visible(timeout=timeout_ms)


def require_chromium() -> None:
    """Fail (never skip) without Debian's chromium: ``make test`` installs it."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `apt-get update && apt-get install -y "
                    "chromium` (make test does this) — the browser test must not be skipped")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for(url: str, deadline: float, proc: subprocess.Popen) -> None:  # type: ignore[type-arg]
    """Until ``url`` answers 200 (the server is up), or the server exits, or ``deadline``."""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"jupyter lab exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(f"JupyterLab did not answer at {url}")


def lab_env(home: Path) -> dict[str, str]:
    """The environment of a server with its own home: no XERO_* (the simulator), no user config."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("XERO_")}
    env.update({
        "HOME": str(home), "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"), "XDG_STATE_HOME": str(home / ".state"),
        "JUPYTER_DATA_DIR": str(home / "jupyter-data"),
        "JUPYTERLAB_SETTINGS_DIR": str(home / "lab-settings"),
        "JUPYTERLAB_WORKSPACES_DIR": str(home / "lab-workspaces"),
        "JUPYTER_RUNTIME_DIR": str(home / "runtime"),
        "JUPYTER_CONFIG_DIR": str(home / "jupyter-config"),
    })
    return env


@contextmanager
def running_lab(work: Path, tmp_path: Path, token: str) -> Iterator[str]:
    """JupyterLab over ``work`` on 127.0.0.1 (its log in ``tmp_path``); yields its base URL."""
    require_chromium()
    home = tmp_path / "home"
    env = lab_env(home)
    # No "Jupyter news?" prompt over the page: disable the announcements plugin for this server.
    labconfig = home / "jupyter-config" / "labconfig"
    labconfig.mkdir(parents=True)
    (labconfig / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    port = free_port()
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyter", "lab", "--no-browser", "--allow-root",
         "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
         f"--IdentityProvider.token={token}", "--ServerApp.open_browser=False",
         f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True",
         "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        cwd=work, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for(f"{base}/api/status?token={token}", time.monotonic() + 60, proc)
        yield base
    finally:
        try:
            req = urllib.request.Request(f"{base}/api/shutdown?token={token}", method="POST")
            urllib.request.urlopen(req, timeout=5).close()
            proc.wait(timeout=15)
        except (OSError, subprocess.TimeoutExpired):
            for sig in (signal.SIGTERM, signal.SIGKILL):  # its own session: only its processes
                try:
                    os.killpg(proc.pid, sig)
                    proc.wait(timeout=5)
                    break
                except (ProcessLookupError, subprocess.TimeoutExpired):
                    continue
        log.close()

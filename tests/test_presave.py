"""Nothing secret survives a save: the pre-save hook, alone, in a contents manager, and in a real server.

The server tests start ``jupyter server`` from this venv on 127.0.0.1 (a free port, a token, a
temporary root), save a notebook full of secrets through the contents REST API and read the file
that landed on disk. A control server without the hook shows the secrets would otherwise be there.
"""

from __future__ import annotations

import base64
import copy
import json
import logging
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from xero_nb.widgets import presave
from xero_nb.widgets.presave import scrub, scrub_notebook

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent

def _b64(data: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(data, separators=(",", ":")).encode()).decode().rstrip("=")


# A JWT-shaped sentinel, built here so that no token-shaped string is committed.
JWT = f"{_b64({'alg': 'RS256', 'typ': 'JWT'})}.{_b64({'sub': 'SENTINELjwt'})}.SENTINELsigJWT0123456789abc"
BEARER = "SENTINELbearer0123456789abcdefXYZ"
REFRESH = "SENTINELrefresh9876543210zyxwvuQ"
CODE = "SENTINELcode55aa66bb77cc"
STATE = "SENTINELstate11dd22ee33"
SECRET = "SENTINEL-client-secret-5e1f"
SECRETS = (JWT, BEARER, REFRESH, CODE, STATE, SECRET, "SENTINEL")
ORDINARY = ("403 Forbidden: AuthorizationUnsuccessful", "Invoices: 12 rows",
            "accounting.transactions", "<b>Granted scopes</b>", "Paste a failing call here")


def _notebook() -> dict[str, Any]:
    """A notebook as JupyterLab sends it: outputs and saved widget state, with secrets and ordinary text."""
    result = new_output("execute_result", execution_count=1, data={
        "text/plain": f"Token(access_token='{JWT}')\nInvoices: 12 rows",
        "text/html": f"<pre>id_token = {JWT}</pre><b>Granted scopes</b>",
        "application/json": {"refresh_token": REFRESH, "scope": "accounting.transactions"},
        "image/png": "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==",
    })
    stream = new_output("stream", name="stdout",
                        text=["refreshing...\n", f"refresh_token: {REFRESH}\n", "403 Forbidden: AuthorizationUnsuccessful\n"])
    error = new_output("error", ename="ApiException", evalue=f"(401) client_secret={SECRET}",
                       traceback=["\x1b[0;31mApiException\x1b[0m: (401)",
                                  f"HTTP request headers: {{'Authorization': 'Bearer {BEARER}'}}"])
    cell = new_code_cell("lab = xn.widgets.ScopeLab(); lab", outputs=[result, stream, error], execution_count=1)
    nb = new_notebook(cells=[new_markdown_cell("# Scope Lab"), cell])
    nb.metadata["widgets"] = {presave.WIDGET_STATE: {"version_major": 2, "version_minor": 0, "state": {
        "a1": {"model_name": "TextareaModel", "model_module": "@jupyter-widgets/controls",
               "model_module_version": "2.0.0",
               "state": {"value": f"> GET /api.xro/2.0/Invoices\n> Authorization: Bearer {BEARER}\n< 403 Forbidden",
                         "placeholder": "Paste a failing call here", "layout": "IPY_MODEL_b2"}},
        "b2": {"model_name": "LayoutModel", "model_module": "@jupyter-widgets/base",
               "model_module_version": "2.0.0", "state": {"width": "100%"}},
        "c3": {"model_name": "TextModel", "model_module": "@jupyter-widgets/controls",
               "model_module_version": "2.0.0",
               "state": {"value": f"http://127.0.0.1:8765/callback?code={CODE}&state={STATE}&scope=openid",
                         "description": "Redirect URL"}},
        "d4": {"model_name": "HTMLModel", "model_module": "@jupyter-widgets/controls",
               "model_module_version": "2.0.0",
               "state": {"value": "<b>Granted scopes</b>: accounting.transactions"}},
    }}}
    return json.loads(json.dumps(nb))  # plain dicts and lists, as the REST API hands them over


class _Manager:
    def __init__(self) -> None:
        self.log = logging.getLogger("test_presave.manager")


def test_the_hook_removes_every_secret_keeps_ordinary_text_and_valid_json(caplog: pytest.LogCaptureFixture) -> None:
    model = {"type": "notebook", "format": "json", "content": _notebook()}
    png = model["content"]["cells"][1]["outputs"][0]["data"]["image/png"]
    with caplog.at_level(logging.WARNING, logger="test_presave.manager"):
        scrub_notebook(model=model, path="lab.ipynb", contents_manager=_Manager())
    saved = json.dumps(model["content"])
    for secret in SECRETS:
        assert secret not in saved
    for text in ORDINARY:
        assert text in saved
    nbformat.validate(nbformat.from_dict(model["content"]))
    outputs = model["content"]["cells"][1]["outputs"]
    assert outputs[0]["data"]["image/png"] == png
    assert outputs[1]["text"] == ["refreshing...\n", "refresh_token: [redacted]\n",
                                  "403 Forbidden: AuthorizationUnsuccessful\n"]
    widgets = model["content"]["metadata"]["widgets"][presave.WIDGET_STATE]["state"]
    assert widgets["c3"]["state"]["value"] == \
        "http://127.0.0.1:8765/callback?code=[redacted]&state=[redacted]&scope=openid"
    assert widgets["a1"]["state"]["layout"] == "IPY_MODEL_b2"
    assert widgets["d4"]["state"] == {"value": "<b>Granted scopes</b>: accounting.transactions"}
    # the user is told how many and where, never what
    note = model["content"]["metadata"]["xero_nb"]["scrubbed"]
    assert note["where"] == {"output application/json": 1, "output error": 1, "output stdout": 1,
                             "output text/html": 1, "output text/plain": 1, "output traceback": 1,
                             "widget Text.value": 2, "widget Textarea.value": 1}
    assert note["removed"] == 9
    [record] = caplog.records
    assert record.levelno == logging.WARNING and "9 secret-looking value(s) from lab.ipynb" in record.getMessage()
    assert "widget Textarea.value: 1" in record.getMessage()
    assert not any(secret in record.getMessage() for secret in SECRETS)


def test_a_second_save_finds_nothing_and_ordinary_notebooks_pass_untouched(caplog: pytest.LogCaptureFixture) -> None:
    model = {"type": "notebook", "content": _notebook()}
    scrub_notebook(model=model, path="lab.ipynb", contents_manager=_Manager())
    once = copy.deepcopy(model)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        scrub_notebook(model=model, path="lab.ipynb", contents_manager=_Manager())
    assert model == once
    assert not caplog.records

    clean = json.loads(json.dumps(new_notebook(cells=[new_code_cell("1", outputs=[
        new_output("stream", name="stdout", text="Error code: 500, TokenExpired: token expired\n"),
        new_output("display_data", data={"text/plain": "state of the art", "text/html": "<i>code = 42</i>"}),
    ])])))
    before = copy.deepcopy(clean)
    assert scrub(clean) == {} and clean == before  # no note either

    text_file = {"type": "file", "format": "text", "content": f"token={BEARER}"}
    scrub_notebook(model=text_file, path="notes.txt", contents_manager=_Manager())
    assert text_file["content"] == f"token={BEARER}"  # only notebooks are the hook's business


def test_a_failing_check_refuses_the_save(monkeypatch: pytest.MonkeyPatch) -> None:
    from tornado.web import HTTPError

    def broken(text: str) -> str:
        raise RuntimeError("boom")

    monkeypatch.setattr(presave, "redact", broken)
    with pytest.raises(HTTPError) as raised:
        scrub_notebook(model={"type": "notebook", "content": _notebook()}, path="lab.ipynb",
                       contents_manager=_Manager())
    assert raised.value.status_code == 500 and "not saved" in (raised.value.reason or "")


def test_the_server_extension_registers_the_hook_once_beside_an_existing_one(tmp_path: Path) -> None:
    from jupyter_server.services.contents.filemanager import FileContentsManager

    seen: list[str] = []
    manager = FileContentsManager(root_dir=str(tmp_path))
    manager.pre_save_hook = lambda model, path, contents_manager, **kw: seen.append(path)
    app = type("App", (), {"contents_manager": manager, "log": logging.getLogger("test_presave.app")})()
    assert presave._jupyter_server_extension_points() == [{"module": "xero_nb.widgets.presave"}]
    presave._load_jupyter_server_extension(app)
    presave._load_jupyter_server_extension(app)
    assert manager._pre_save_hooks == [scrub_notebook]
    manager.save({"type": "notebook", "content": _notebook()}, "lab.ipynb")
    on_disk = (tmp_path / "lab.ipynb").read_text(encoding="utf-8")
    assert seen == ["lab.ipynb"]  # the user's own hook still runs
    assert not any(secret in on_disk for secret in SECRETS)
    nbformat.validate(nbformat.reads(on_disk, as_version=4))


# -- the Makefile's config and a real server ---------------------------------------------------
def _make_config(prefix: Path) -> Path:
    """Run the Makefile's own rule with VENV=prefix: the file `make setup` writes into the venv."""
    if shutil.which("make") is None:
        pytest.skip("make is not installed")
    target = prefix / "etc" / "jupyter" / "jupyter_server_config.d" / "xero_nb.json"
    subprocess.run(["make", "-s", "-C", str(ROOT), f"VENV={prefix}", str(target)], check=True,
                   capture_output=True, text=True, timeout=60)
    return target


def test_make_setup_writes_the_server_config_that_enables_the_hook(tmp_path: Path) -> None:
    target = _make_config(tmp_path)
    assert json.loads(target.read_text(encoding="utf-8")) == \
        {"ServerApp": {"jpserver_extensions": {"xero_nb.widgets.presave": True}}}
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(target.parent.parent)}
    listed = subprocess.run([str(BIN / "jupyter"), "server", "extension", "list"], env=env,
                            capture_output=True, text=True, timeout=120)
    text = re.sub(r"\x1b\[[0-9;]*m", "", listed.stdout + listed.stderr)
    section = text.split(f"Config dir: {target.parent.parent}", 1)[1].split("Config dir:", 1)[0]
    assert "xero_nb.widgets.presave enabled" in section, text
    assert "xero_nb.widgets.presave  OK" in section, text  # the module loads and names its entry point


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    def __init__(self, tmp: Path, env: dict[str, str], args: list[str]) -> None:
        self.root = tmp / "root"
        self.root.mkdir()
        self.port, self.token = _free_port(), "presave-test-token"
        self.log_path = tmp / "server.log"
        cmd = [str(BIN / "jupyter-server"), "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={self.port}",
               "--ServerApp.port_retries=0", f"--IdentityProvider.token={self.token}",
               f"--ServerApp.root_dir={self.root}", "--ServerApp.open_browser=False", *args]
        if hasattr(os, "getuid") and os.getuid() == 0:
            cmd.append("--allow-root")
        full_env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
                    "JUPYTER_DATA_DIR": str(tmp / "data"), **env}
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(cmd, env=full_env, stdout=self.log, stderr=subprocess.STDOUT)

    def request(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                     headers={"Authorization": f"token {self.token}",
                                              "Content-Type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read() or b"null")

    def wait_ready(self) -> None:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"jupyter server exited:\n{self.log_path.read_text()}")
            try:
                self.request("GET", "/api/status")
                return
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.2)
        raise AssertionError(f"jupyter server did not start:\n{self.log_path.read_text()}")

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log.close()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Any]:
    started: list[_Server] = []

    def start(env: dict[str, str], args: list[str]) -> _Server:
        srv = _Server(tmp_path, env, args)
        started.append(srv)
        srv.wait_ready()
        return srv

    yield start
    for srv in started:
        srv.stop()


def _save_through_the_api(srv: _Server) -> str:
    srv.request("PUT", "/api/contents/lab.ipynb", {"type": "notebook", "format": "json", "content": _notebook()})
    return (srv.root / "lab.ipynb").read_text(encoding="utf-8")


def test_a_server_configured_by_make_setup_writes_no_secret(server: Any, tmp_path: Path) -> None:
    config = _make_config(tmp_path / "venv")
    srv = server({"JUPYTER_CONFIG_DIR": str(config.parent.parent)}, [])
    on_disk = _save_through_the_api(srv)
    assert not any(secret in on_disk for secret in SECRETS)
    assert all(text in on_disk for text in ORDINARY)
    nb = nbformat.reads(on_disk, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["xero_nb"]["scrubbed"]["removed"] == 9
    # what the server sends back carries no secret either, and its log says what went
    listed = srv.request("GET", "/api/contents/lab.ipynb")
    assert not any(secret in json.dumps(listed) for secret in SECRETS)
    log = srv.log_path.read_text()
    assert "xero-nb removed 9 secret-looking value(s) from lab.ipynb" in log
    assert not any(secret in log for secret in SECRETS)


def test_the_dotted_path_loads_as_pre_save_hook_and_without_it_secrets_would_be_written(
        server: Any, tmp_path: Path) -> None:
    no_config = {"JUPYTER_NO_CONFIG": "1"}  # nothing from this venv's or the user's Jupyter config
    hooked = server(no_config, ["--ContentsManager.pre_save_hook=xero_nb.widgets.presave.scrub_notebook"])
    on_disk = _save_through_the_api(hooked)
    assert not any(secret in on_disk for secret in SECRETS)
    nbformat.validate(nbformat.reads(on_disk, as_version=4))
    hooked.stop()
    shutil.move(str(tmp_path / "root"), str(tmp_path / "hooked-root"))

    bare = server(no_config, [])  # the control: the same save, no hook
    on_disk = _save_through_the_api(bare)
    assert JWT in on_disk and BEARER in on_disk and STATE in on_disk


def test_a_bare_refresh_token_shown_as_a_value_is_not_saved() -> None:
    """``token["refresh_token"]`` as a cell's value: 64 hex characters with no key beside them."""
    refresh = "3f9a" * 16  # the simulator's (and Xero's) refresh tokens: 64 hex characters
    digest_like = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    nb = {"cells": [{"cell_type": "code", "source": 'token["refresh_token"]', "metadata": {},
                     "execution_count": 1, "outputs": [
                         {"output_type": "execute_result", "execution_count": 1, "metadata": {},
                          "data": {"text/plain": f"'{refresh}'"}},
                         {"output_type": "stream", "name": "stdout",
                          "text": f"sha256 {digest_like}\ninvoice 0000000000000000000000000000000000000000"
                                  "000000000000000000000042\ncorrelation 0a1b2c3d-0000-4000-8000-00000000abcd\n"}]}],
          "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    removed = presave.scrub(nb)
    saved = json.dumps(nb)
    assert refresh not in saved and digest_like not in saved
    assert nb["cells"][0]["outputs"][0]["data"]["text/plain"] == "'[redacted]'"
    assert "correlation 0a1b2c3d-0000-4000-8000-00000000abcd" in saved  # a GUID is not one
    assert "0000000000000000000000000000000000000000000000000000000000000042" in saved  # digits only
    assert sum(removed.values()) == 2


def _with_widgets(*models: tuple[str, dict[str, Any]]) -> dict[str, Any]:
    state = {f"m{i}": {"model_name": name, "model_module": "@jupyter-widgets/controls",
                       "model_module_version": "2.0.0", "state": dict(values)}
             for i, (name, values) in enumerate(models)}
    return {"cells": [], "nbformat": 4, "nbformat_minor": 5,
            "metadata": {"widgets": {presave.WIDGET_STATE: {"version_major": 2, "version_minor": 0,
                                                            "state": state}}}}


def test_a_bare_secret_typed_into_a_text_box_is_not_saved_but_scopes_and_ids_are() -> None:
    """A client secret pasted among the scopes has no key or prefix: the box's value is still cleaned."""
    secret = "7Yb_kR2vXo9LmQ3sT8wZ1aN4cD6fH0jK5pE2uG7iM9oB3qW1"  # a Xero client secret's shape
    scopes = f"openid accounting.transactions.read offline_access {secret}"
    tenant = "0a1b2c3d-0000-4000-8000-00000000abcd"
    html = f"<b>Scopes</b> accounting.invoices.read, tenant {tenant}, {'x' * 30}"
    nb = _with_widgets(("TextareaModel", {"value": scopes, "description": "Scopes"}),
                       ("TextModel", {"value": tenant}),
                       ("PasswordModel", {"value": "hunter2"}),
                       ("HTMLModel", {"value": html}))
    removed = presave.scrub(nb)
    saved = json.dumps(nb)
    models = nb["metadata"]["widgets"][presave.WIDGET_STATE]["state"]
    assert secret not in saved and "hunter2" not in saved
    assert models["m0"]["state"]["value"] == "openid accounting.transactions.read offline_access [redacted]"
    assert models["m1"]["state"]["value"] == tenant  # an id, not a credential
    assert models["m2"]["state"]["value"] == "[redacted]"  # a password box: whatever it holds
    assert models["m3"]["state"]["value"] == html  # shown text: only known shapes go
    assert removed == {"widget Textarea.value": 1, "widget Password.value": 1}
    assert presave.scrub(nb) == {}  # a second save finds nothing more

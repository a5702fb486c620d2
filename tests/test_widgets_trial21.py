"""Notebooks 01/02/04/07 in a browser (trial 21): a folder typed that does not exist must not show
the last folder's results as its own, an unreadable entry must not stop a scan, and a button that
cannot work without a connection says so instead of failing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from xero_nb.scan.engine import scan_tree
from xero_nb.widgets.explorer_view import ScopeExplorer
from xero_nb.widgets.scan import ScanState

CALL = 'import requests\nrequests.get("https://api.xero.com/api.xro/2.0/Invoices")\n'


def test_a_missing_folder_clears_the_last_results_and_nothing_scans_until_fixed(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(CALL)
    state = ScanState(path=str(tmp_path))
    assert state.run() is not None and state.result is not None
    state.set_path(str(tmp_path / "missing"))  # (guarded: the notice says it)
    assert state.notice[0] == "error" and "no such file or folder" in state.notice[1]
    assert state.result is None and state.report is None and (state.done, state.total) == (0, 0)
    assert state.run() is None and "type a folder that exists" in state.notice[1]
    state.set_path(str(tmp_path))
    assert state.run() is not None


def test_an_entry_whose_type_cannot_be_read_is_left_out(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """os.DirEntry.is_file() follows a symlink and raises on one this user may not look at
    (/proc/1/cwd): the walk leaves that entry out and reads the rest."""
    (tmp_path / "a.py").write_text(CALL)
    (tmp_path / "cwd").symlink_to(tmp_path / "a.py")
    real = os.scandir

    class Refusing:
        def __init__(self, entry: os.DirEntry[str]) -> None:
            self.entry, self.name, self.path = entry, entry.name, entry.path

        def is_dir(self, follow_symlinks: bool = True) -> bool:
            return self.entry.is_dir(follow_symlinks=follow_symlinks)

        def is_file(self) -> bool:
            if self.name == "cwd":
                raise PermissionError(13, "Permission denied", self.path)
            return self.entry.is_file()

    monkeypatch.setattr(os, "scandir", lambda p: [Refusing(e) for e in real(p)])
    assert [c.file for c in scan_tree(tmp_path).calls] == ["a.py"]


def test_authorize_is_off_without_a_connection_and_says_what_it_needs() -> None:
    explorer = ScopeExplorer()
    explorer.redraw()
    assert explorer.auth_btn.disabled and "needs a signed-in connection" in explorer.auth_btn.tooltip


def test_token_buttons_are_off_without_a_token() -> None:
    from xero_nb.widgets.connection import Connection
    from xero_nb.widgets.connection_view import ConnectPanel

    conn = Connection.auto(demo_scopes=["accounting.settings.read"], env_file=None)
    panel = ConnectPanel(conn)
    buttons = (panel.refresh_btn, panel.sign_out, panel.revoke, panel.disconnect)
    assert not any(b.disabled for b in buttons)
    conn.disconnect(conn.tenants[0].tenant_id)
    assert "To connect it again, sign in and tick it on the consent page" in conn.notice[1]
    conn.sign_out()
    assert all(b.disabled for b in buttons)
    conn.sign_in()
    assert not any(b.disabled for b in buttons)

"""``xero-nb scan`` shows its progress on a terminal (a big tree takes a while), never in a pipe or a CI log."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from xero_nb.cli import main
from xero_nb.cli.scan import progress_line


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _tree(tmp_path: Path, files: int) -> Path:
    for i in range(files):
        (tmp_path / f"m{i}.py").write_text(
            f'import requests\nrequests.get("https://api.xero.com/api.xro/2.0/Invoices")  # {i}\n')
    return tmp_path


def test_a_terminal_sees_files_done_of_total_and_a_final_newline(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["scan", str(_tree(tmp_path, 3)), "--requested", "accounting.transactions.read"])
    shown = terminal.getvalue()
    assert "\rscan 3/3 files" in shown
    assert shown.index("\rscan 3/3 files") < shown.index("\n")  # the line ends before the report's lines


def test_quiet_or_a_pipe_shows_no_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    tree = _tree(tmp_path, 2)
    terminal = _Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    main(["scan", str(tree), "--quiet", "--requested", "accounting.transactions.read"])
    assert "\rscan" not in terminal.getvalue()
    piped = io.StringIO()  # isatty() is False: a CI log or `2> file`
    monkeypatch.setattr(sys, "stderr", piped)
    main(["scan", str(tree), "--requested", "accounting.transactions.read"])
    assert "\rscan" not in piped.getvalue()


def test_a_big_tree_redraws_about_a_hundred_times_not_once_per_file() -> None:
    out = _Terminal()
    show = progress_line(out)
    for done in range(1, 5001):
        show(done, 5000, f"src/m{done}.py")
    drawn = out.getvalue().count("\r")
    assert 90 <= drawn <= 110
    assert out.getvalue().endswith("\n") and "5000/5000 files src/m5000.py" in out.getvalue()

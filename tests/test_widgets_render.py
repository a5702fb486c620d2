"""The HTML fragments: escaped, with code spans and clickable fix links."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

from xero_nb.catalog import frames
from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.widgets.render import TABLE_CSS, cell_text, chips, findings, key_values, message, rich


def test_rich_escapes_then_links() -> None:
    out = rich('Add `accounting.invoices.read`; <img src=x onerror=1> see https://x.test/a?b=1&c="2"')
    assert "<code>accounting.invoices.read</code>" in out
    assert "<img" not in out and "&lt;img" in out
    assert '<a href="https://x.test/a?b=1&amp;c=" target="_blank"' in out


def test_findings_of_a_real_diagnosis() -> None:
    diag = diagnose(status=401, headers={"WWW-Authenticate": "insufficient_scope"},
                    body={"Title": "Unauthorized", "Status": 401,
                          "Detail": "AuthorizationUnsuccessful"},
                    endpoint="GET /Invoices", granted=["accounting.settings.read"],
                    era="granular", client_id="ABC", redirect_uri="http://localhost:8765/callback")
    out = findings(diag)
    assert 'data-code="missing_scope"' in out and "<code>accounting.invoices.read</code>" in out
    assert '<a href="https://login.xero.com/identity/connect/authorize?' in out
    assert findings(None) == ""


def test_small_pieces() -> None:
    assert cell_text(frozenset({"b", "a"})) == "a, b" and cell_text(float("nan")) == ""
    assert message("") == "" and "xnb-msg-error" in message("<x>", "error")
    assert "&lt;x&gt;" in message("<x>", "error")
    assert chips(["b", "a"], on=["a"]).index("xnb-on") < chips(["b", "a"], on=["a"]).index(">b<")
    assert "<b>status</b>" in key_values([("status", 401)])


# A colour literal (hex, rgb()/rgba(), or a named colour in a CSS colour property) is allowed
# only as the fallback of a JupyterLab variable: var(--jp-..., <literal>).
_HEX = re.compile(r"#[0-9a-fA-F]{3,8}\b")
_RGB = re.compile(r"\brgba?\(")
_FALLBACK_BEFORE = re.compile(r"var\(--jp-[\w-]+,\s*$")
_DECL = re.compile(r"(?<![\w-])(color|background(?:-color)?|border(?:-[a-z]+)*)\s*:\s*([^;}\"']+)")


def _style_strings() -> list[tuple[str, str]]:
    """(where, text) of every string literal in the widgets' style modules and the Styler colours."""
    root = Path(frames.__file__).resolve().parents[1] / "widgets"
    out = [("render.TABLE_CSS", TABLE_CSS)]
    out += [(f"frames.{n}", getattr(frames, n)) for n in dir(frames) if n.endswith("_COLOUR")]
    for path in [root / "render.py", *sorted(root.glob("*_view.py"))]:
        for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
            if tok.type == tokenize.STRING:
                out.append((f"{path.name}:{tok.start[0]}", tok.string))
    return out


def _bare_colours(text: str) -> list[str]:
    bare = [m.group() for pat in (_HEX, _RGB) for m in pat.finditer(text)
            if not _FALLBACK_BEFORE.search(text[:m.start()])]
    for prop, value in _DECL.findall(text):
        words = re.sub(r"var\([^()]*(\([^()]*\))?[^()]*\)|#\w+|\w+\(", " ", value).split()
        bare += [f"{prop}: {w}" for w in words if w.lower() in _NAMED]
    return bare


_NAMED = frozenset({"white", "black", "red", "green", "blue", "yellow", "orange", "gray", "grey",
                    "pink", "purple", "navy", "maroon", "silver", "teal", "olive", "lime", "aqua"})


def test_widget_colours_come_from_jupyterlab_variables() -> None:
    """Theme-aware styles: no colour is hard-coded except as a var(--jp-...) fallback."""
    strings = _style_strings()
    assert any("TABLE_CSS" in w for w, _ in strings) and len(strings) > 50
    offenders = [(where, bare) for where, text in strings if (bare := _bare_colours(text))]
    assert not offenders, offenders
    # Every colour the panels set at all is themed: each colour declaration names a --jp- variable.
    declared = [(p, v) for p, v in _DECL.findall(TABLE_CSS)
                if p in ("color", "background", "background-color") or p.endswith("-color")
                or (p.startswith("border") and "solid" in v)]
    assert len(declared) > 20
    for prop, value in declared:
        assert "var(--jp-" in value or value.strip() == "inherit", (prop, value)
    for name in ("ALLOWED", "BLOCKED", "GAINED", "LOST", "UNSURE"):
        assert "var(--jp-" in getattr(frames, f"{name}_COLOUR")


def test_the_colour_check_catches_hard_coded_colours() -> None:
    assert _bare_colours(".x{background:#fef2f2;color:#991b1b}") == ["#fef2f2", "#991b1b"]
    assert _bare_colours("color: rgb(1, 2, 3)") == ["rgb("]
    assert _bare_colours(".x{color:white}") == ["color: white"]
    assert _bare_colours("color:var(--jp-ui-font-color1,rgba(0,0,0,.87))") == []
    assert _bare_colours("background:color-mix(in srgb,var(--jp-error-color1,#d32f2f) 8%,"
                         "var(--jp-layout-color1,#fff))") == []
    assert _bare_colours('style="color:{}"') == []

"""Diagnosis.to_html / to_markdown go through xero_nb.markup: hostile text in findings stays text.

Titles, evidence, fix steps, notes, the decisive fact and what was seen can all carry text from
Xero's answers or from a paste. None of it may become a tag, an attribute, a link, emphasis or a
table column; the `code` spans and http(s) links the rules write themselves are kept.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import mistune
import pytest

from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.diagnose.findings import Diagnosis, Finding
from xero_nb.diagnose.observation import observe

IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "</b></summary></details><script>alert(2)</script>"
QUOTES = "\" onmouseover=\"alert(3)\" ' onfocus='alert(4)"
LINK = "[click](javascript:alert(5)) ![i](javascript:alert(6))"
TICKS = "``` <img src=y onerror=alert(7)> ```"
EMPH = "**bold** *it* ~~gone~~ | col | \\"  # (markup.md_text keeps underscores, by design)
HOSTILE = " ".join((IMG, SCRIPT, QUOTES, LINK, TICKS, EMPH))


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def tags(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = _Tags()
    parser.feed(fragment)
    parser.close()
    return parser.tags


def assert_inert(fragment: str) -> None:
    low = fragment.lower()
    assert "<img" not in low and "<script" not in low, fragment
    for tag, attrs in tags(fragment):
        assert tag not in {"img", "script", "iframe", "svg", "del", "s", "em", "strong", "table"} or (
            tag == "strong" and not attrs), (tag, fragment)
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        assert href is None or href.startswith(("http://", "https://")), href


def hostile_diagnosis() -> Diagnosis:
    obs = observe(status=403, body=json.dumps({"Title": IMG, "Detail": HOSTILE}),
                  headers={"Xero-Correlation-Id": IMG + "`x`"})
    finding = Finding("user_role", "Role " + HOSTILE.replace("`", "'") + " and `accounting.settings`",
                      (HOSTILE, "see https://developer.xero.com/faq/permissions"),
                      ("Sign in with: https://login.xero.com/identity/connect/authorize?scope=a%20b",
                       HOSTILE), 0.8)
    second = Finding("unknown", IMG, (LINK,), (TICKS,), 0.3)
    return Diagnosis((finding, second), obs, "the " + HOSTILE, ("note " + HOSTILE,))


def test_html_is_inert_and_keeps_the_rules_own_code_and_links() -> None:
    d = hostile_diagnosis()
    page = d.to_html()
    assert_inert(page)
    assert page == d._repr_html_() and page.startswith("<div") and "<details open>" in page
    assert "<code>accounting.settings</code>" in page
    hrefs = [a.get("href") for t, a in tags(page) if t == "a"]
    assert "https://developer.xero.com/faq/permissions" in hrefs
    assert any((h or "").startswith("https://login.xero.com/identity/connect/authorize?") for h in hrefs)
    assert "&lt;img src=x onerror=alert(1)&gt;" in page  # shown as text, not dropped
    assert page.count("<details") == 2 and page.count("<details open>") == 1


def test_markdown_renders_inert_with_no_link_emphasis_or_column_from_the_text() -> None:
    d = hostile_diagnosis()
    md = d.to_markdown()
    assert md.startswith("### Diagnosis: `user_role`")
    assert "\n| " not in md
    rendered = mistune.html(md)
    assert_inert(rendered)
    hrefs = [a.get("href") for t, a in tags(rendered) if t == "a"]
    assert all((h or "").startswith("https://") for h in hrefs) and hrefs
    assert "<code>accounting.settings</code>" in rendered
    assert "**bold**" in rendered and "[click](javascript:alert(5))" in rendered  # shown, not applied


@pytest.mark.parametrize("part", ["title", "evidence", "fix"])
def test_each_part_of_a_finding_is_escaped_alone(part: str) -> None:
    kwargs = {"title": "t", "evidence": ("e",), "fix": ("f",)}
    kwargs[part] = HOSTILE if part == "title" else (HOSTILE,)  # type: ignore[assignment]
    f = Finding("unknown", str(kwargs["title"]), tuple(kwargs["evidence"]), tuple(kwargs["fix"]), 0.4)
    assert_inert(f.to_html())
    assert_inert(mistune.html(f.to_markdown()))
    assert f.to_markdown().startswith("**`unknown`** (evidence 40%)")


def test_a_pasted_hostile_error_renders_inert_end_to_end() -> None:
    d = diagnose(text=f"HTTP/1.1 403 Forbidden\nXero-Correlation-Id: {IMG}\n\n"
                      + json.dumps({"Detail": HOSTILE, "Title": SCRIPT}),
                 endpoint="GET /Nope" + IMG, user_role=IMG)
    assert_inert(d.to_html())
    assert_inert(mistune.html(d.to_markdown()))

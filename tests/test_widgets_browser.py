"""BrowserState and the EndpointBrowser widget, driven headless."""

from __future__ import annotations

from xero_nb.catalog.frames import coverage
from xero_nb.widgets.browser import BrowserState
from xero_nb.widgets.browser_view import EndpointBrowser
from xero_nb.widgets.scope_state import ScopeState


def test_every_endpoint_then_filters() -> None:
    b = BrowserState(ScopeState("accounting.settings.read"))
    assert len(b.table.frame) == len(coverage((), "broad"))  # the whole catalog, once
    b.set_filters(api="accounting", method="get", text="invoices")
    assert len(b.rows()) > 0 and all(a == "accounting" for a, _ in b.rows())
    assert set(b.table.view()["method"]) == {"GET"}
    b.set_filters(blocked_only=True)
    assert not b.table.view()["allowed"].any()
    b.set_filters(api="payroll_uk")
    assert b.tag == "" and all(a == "payroll_uk" for a, _ in b.rows())
    b.set_filters(api="nope")
    assert b.notice[0] == "error" and "no API 'nope'" in b.notice[1]


def test_follows_the_shared_scope_state() -> None:
    s = ScopeState(())
    b = BrowserState(s)
    b.set_filters(api="accounting", text="/Contacts", method="GET", blocked_only=True)
    before = len(b.rows())
    s.toggle("accounting.contacts.read")
    assert len(b.rows()) < before


def test_details_show_scopes_in_every_era() -> None:
    b = BrowserState(ScopeState("accounting.transactions.read"))
    b.choose(("accounting", "getInvoices"))
    d = b.details()
    assert d["required"]["broad"] == ["accounting.transactions", "accounting.transactions.read"]
    assert d["required"]["granular"] == ["accounting.invoices", "accounting.invoices.read"]
    assert d["allowed"] and d["narrowest"] == "accounting.transactions.read"
    assert "If-Modified-Since" not in set(d["params"]["name"])  # headers are not params
    b.scopes.set_era("granular")
    # The what-if era never becomes the answer: the app is broad, its token may call it.
    d = b.details()
    assert d["allowed"] and d["era"] == "broad" and d["narrowest"] == "accounting.transactions.read"
    assert d["whatif"]["era"] == "granular" and not d["whatif"]["allowed"]
    b.choose(("accounting", "getJournals"))
    d = b.details()
    assert "Advanced tier" in d["restriction"] and "Advanced tier" in d["whatif"]["restriction"]
    b.choose(("accounting", "noSuchOp"))
    assert b.notice[0] == "error"


def test_selection_feeds_least_privilege() -> None:
    s = ScopeState(())
    b = BrowserState(s)
    b.add_current_to_selection()
    assert b.notice[0] == "error" and "choose an endpoint" in b.notice[1]
    b.choose(("accounting", "getContacts"))
    b.add_current_to_selection()
    b.add_current_to_selection()
    assert s.selected == (("accounting", "getContacts"),)
    b.set_filters(api="files", method="GET")
    b.select_filtered()
    assert len(s.selected) == 9
    b.clear_selection()
    assert s.selected == ()


def test_widget() -> None:
    w = EndpointBrowser(BrowserState(ScopeState(())))
    assert len(w.picker.options) == len(coverage((), "broad"))
    w.api.value = "projects"
    assert len(w.picker.options) == 16 and len(w.tag.options) > 1
    w.method.value = "GET"
    w.picker.value = w.picker.options[0][1]
    assert "projects" in w.card.value and "blocked" in w.card.value
    w.add_btn.click()
    assert "1 endpoint(s) selected" in w.notice.value
    w.blocked.value = True
    assert w.text.continuous_update  # searches run as you type
    w.text.value = "zzz-nothing"
    assert w.picker.options == () and "no rows" in w.table.body.value


def test_the_card_says_where_the_scopes_come_from_and_when_none_grants() -> None:
    from xero_nb.widgets.browser_view import details_html

    b = BrowserState(ScopeState("accounting.transactions", era="granular"))
    b.choose(("accounting", "getExpenseClaims"))
    d = b.details()
    assert d["unreachable"] == {"broad": False, "granular": True, "mixed": False}
    assert d["allowed"] is False and "no granular scope" in d["restriction"]
    card = details_html(d)
    assert "(no scope grants it)" in card and "Xero scopes page (2026)" in card
    b.choose(("payroll_uk", "getStatutoryLeaveSummary"))
    card = details_html(b.details())
    assert "(disputed)" in card and "other reading: payroll.employees" in card
    assert {"confidence", "source"} <= set(b.table.frame.columns)


def test_the_card_answers_for_the_app_and_labels_the_what_if() -> None:
    """A broad-era token looked at in the granular what-if: the card's verdict, narrowest scope
    and restriction are the app's; the granular answer is there only as a labelled what-if."""
    import re

    from xero_nb.widgets.browser_view import details_html

    b = BrowserState(ScopeState("accounting.transactions.read", era="broad"))
    b.choose(("accounting", "getInvoices"))
    card = details_html(b.details())
    assert "What-if" not in card and "xnb-whatif-answer" not in card  # nothing explored yet
    b.scopes.set_era("granular")
    card = details_html(b.details())
    text = re.sub(r"<[^>]+>", "", card)
    real, _, rest = text.partition("What-if only")
    assert "allowed with the token's scopes in the app's broad era" in real.replace("&#x27;", "'")
    assert "narrowest scope: accounting.transactions.read" in real
    assert "accounting.invoices.read" not in real.split("broad (app")[0]  # no granular fix
    assert rest.startswith(" (granular era; not the app, not a fix)")
    assert "blocked with the what-if scopes in the granular era" in rest
    assert "narrowest scope: accounting.invoices.read" in rest
    # ExpenseClaims: no granular scope reaches them; the broad app still may call them.
    b.scopes.toggle("accounting.transactions", on=True)
    b.choose(("accounting", "getExpenseClaims"))
    real, _, rest = re.sub(r"<[^>]+>", "", details_html(b.details())).partition("What-if only")
    assert real.count("allowed") == 1 and "no granular scope" not in real
    assert "blocked" in rest and "no granular scope" in rest
    # Scopes toggled in the app's own era: reality stays the token's, the toggle is a what-if.
    b.scopes.set_era("broad")
    b.scopes.set_whatif(())
    b.choose(("accounting", "getInvoices"))
    d = b.details()
    assert d["allowed"] and not d["whatif"]["allowed"] and d["whatif"]["era"] == "broad"


def test_the_table_says_when_it_shows_the_what_if() -> None:
    w = EndpointBrowser(BrowserState(ScopeState("accounting.transactions.read")))
    assert w.whatif_note.value == ""
    w.state.scopes.set_era("granular")
    assert "what-if granular era (exploration only); the app is in the broad era" \
        in w.whatif_note.value
    w.state.scopes.set_era("broad")
    assert w.whatif_note.value == ""

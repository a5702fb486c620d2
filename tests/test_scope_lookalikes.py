"""Scopes copied from a web page can carry a letter from another script or an invisible
character; they read exactly like the real scope and Xero refuses them (invalid_scope). Every
place that says "did you mean" also says which character is not what it looks like."""

from __future__ import annotations

from pathlib import Path

import pytest

from xero_nb.auth.explain import scope_warnings
from xero_nb.catalog.near import near_miss
from xero_nb.diagnose import diagnose
from xero_nb.scan import analyse, scan_tree

CYRILLIC = "accounting.\u0456nvoices"  # U+0456, drawn as the Latin i
ZWSP = "accounting.contacts\u200b"


@pytest.mark.parametrize(("name", "want"), [
    ("accounting.invoice.read", "did you mean accounting.invoices.read?"),
    (CYRILLIC, "did you mean accounting.invoices? it contains a non-ASCII character '\u0456' "
               "(U+0456 CYRILLIC SMALL LETTER BYELORUSSIAN-UKRAINIAN I) at position 12"),
    (ZWSP, "did you mean accounting.contacts? it contains an invisible non-ASCII character "
           "(U+200B ZERO WIDTH SPACE) at position 20"),
    ("accounting.contacts", ""),  # a known scope: nothing to say
    ("zzzz", ""),
])
def test_near_miss_names_the_scope_and_the_odd_character(name: str, want: str) -> None:
    assert near_miss(name) == want


def test_the_suggestion_can_be_quoted() -> None:
    assert near_miss("accounting.invoice.read", "`") == "did you mean `accounting.invoices.read`?"


def test_sign_in_warnings_name_the_lookalike() -> None:
    [warning] = scope_warnings([CYRILLIC], "granular")
    assert "did you mean accounting.invoices?" in warning and "U+0456" in warning
    assert warning.endswith("Xero answers invalid_scope")


def test_a_refused_sign_in_names_the_lookalike_in_the_requested_scopes() -> None:
    d = diagnose(text="https://app.example/callback?error=invalid_scope", requested=f"openid {CYRILLIC}")
    assert d.top.code == "invalid_scope_requested"
    assert "did you mean `accounting.invoices`?" in d.top.title and "U+0456" in d.top.title


def test_a_granted_scope_with_an_invisible_character_is_noted() -> None:
    d = diagnose(status=401, endpoint="GET /Contacts", granted=f"openid {ZWSP}")
    assert any("did you mean 'accounting.contacts'?" in n and "ZERO WIDTH SPACE" in n for n in d.notes)
    assert d.top.code == "missing_scope"  # what the token holds does not grant the call


@pytest.mark.parametrize(("scopes", "word", "odd"), [
    (f"openid offline_access {CYRILLIC}", CYRILLIC, "U+0456"),
    (f"openid offline_access {ZWSP}", ZWSP, "U+200B"),
    # a no-break space joins two scopes into one that Xero does not know
    ("openid offline_access accounting.contacts\u00a0accounting.invoices.read",
     "accounting.contacts\u00a0accounting.invoices.read", "U+00A0 NO-BREAK SPACE"),
])
def test_the_scanner_reports_a_lookalike_scope_in_code(tmp_path: Path, scopes: str, word: str,
                                                       odd: str) -> None:
    (tmp_path / "app.py").write_text(f'SCOPES = "{scopes}"\nxero.get("/api.xro/2.0/Invoices")\n',
                                     encoding="utf-8")
    report = analyse(scan_tree(tmp_path))
    [typo] = [f for f in report.findings if f.kind == "unknown_scope"]
    assert typo.message.startswith(f"{word} is not a Xero scope (did you mean ")
    assert odd in typo.message and typo.line == 1
    assert word not in report.requested  # Xero would not grant it either


def test_scope_words_in_other_scripts_alone_are_not_scopes(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text('LABEL = "Счета и контакты"\nSCOPES = "openid accounting.contacts"\n',
                                     encoding="utf-8")
    report = analyse(scan_tree(tmp_path))
    assert not [f for f in report.findings if f.kind == "unknown_scope"]
    assert "accounting.contacts" in report.requested


@pytest.mark.parametrize("text", [
    "redirect_uri=https://app.example.com/callback",
    "Please email finance.team@acme.com",
    "our API lives at accounting.acme.com and payroll.acme.co",
    "see files.example.io",
])
def test_hosts_and_email_addresses_are_not_scope_names(text: str) -> None:
    from xero_nb.diagnose.cues import scope_names

    assert scope_names(text) == frozenset()


def test_a_refused_sign_in_is_not_blamed_on_the_apps_own_host() -> None:
    url = ("https://app.example.com/cb?error=invalid_scope&redirect_uri=https%3A%2F%2Fapp.example.com"
           "%2Fcb&scope=openid%20profile%20accounting.transactions")
    d = diagnose(text=url)
    assert not any("app.example.com" in f.title for f in d.findings)
    assert d.top.code == "broad_scope_on_granular_app"  # what the scopes asked for say

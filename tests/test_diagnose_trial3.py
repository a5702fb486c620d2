"""What a third fresh-user trial found (odd real inputs: swapped arguments, logs, scope lists
copied from URLs, gateways and proxies), each pinned so it stays fixed."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from xero_nb.catalog.scopes import parse_scopes
from xero_nb.diagnose.diagnosis import diagnose
from xero_nb.redact import looks_secret

P401 = json.dumps({"Type": None, "Title": "Unauthorized", "Status": 401, "Detail": "AuthorizationUnsuccessful"})
P403 = json.dumps({"Type": None, "Title": "Forbidden", "Status": 403, "Detail": "AuthenticationUnsuccessful"})


def _b64(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


JWT = _b64({"alg": "RS256"}) + "." + _b64({"scope": ["accounting.settings.read"], "exp": 1}) + ".c2lnbmF0dXJl"
REFRESH = "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"
SECRET = "Xq7Rz2Lk9Vb4Nw8Tp3Hs6Jd1Fg5Mc0Ya"


def shown(d: Any) -> str:
    """Everything a user can see of a diagnosis."""
    return d.to_markdown() + d._repr_html_() + json.dumps(d.to_dict()) + repr(d)


# --- 1. a token where the tenant id or the scopes go is never shown, and said as the mistake ---

@pytest.mark.parametrize("given", [
    {"tenant_id": JWT}, {"tenant_id": "Bearer " + JWT}, {"tenant_id": REFRESH},
    {"request_headers": {"xero-tenant-id": REFRESH}},
])
def test_a_token_passed_as_the_tenant_id_is_never_shown_and_called_swapped(given: dict[str, Any]) -> None:
    d = diagnose(P403, **given)
    assert JWT[:20] not in shown(d) and REFRESH[:20] not in shown(d)
    assert d.top.code == "tenant_not_connected"
    assert d.top.title == ("The xero-tenant-id sent is a token, not a tenant id: the access token and "
                           "the tenant id were swapped")


@pytest.mark.parametrize(("given", "what"), [({"granted": [REFRESH]}, "granted"),
                                              ({"requested": [SECRET]}, "requested")])
def test_a_secret_passed_as_scopes_is_never_echoed(given: dict[str, Any], what: str) -> None:
    d = diagnose(P403, **given)
    assert REFRESH[:20] not in shown(d) and SECRET[:20] not in shown(d)
    assert (f"a {what} value is shaped like a token or secret (not shown), not a scope: were the "
            "token and the scopes swapped?") in d.notes


def test_a_misspelt_scope_is_still_named_with_its_near_miss() -> None:
    d = diagnose(P401, granted=["acounting.contacts.read"])
    assert any("'acounting.contacts.read' is not a Xero scope" in n for n in d.notes)


@pytest.mark.parametrize(("value", "secret"), [
    (JWT, True), ("Bearer abc", True), (REFRESH, True), (SECRET, True),
    ("accounting.transactions.read", False), ("offline_access", False), ("openid", False),
    ("api.xero.com", False), ("short1", False), ("averyveryverylongwordwithoutdigits", False),
    ("4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f", False), ("4b8a2f5e-6c1d-4e2a-9b7f-0a1b2c3d4e5f0", False),
])
def test_what_looks_like_a_secret(value: str, secret: bool) -> None:
    assert looks_secret(value) is secret


# --- 3. scope lists as people copy them ---

@pytest.mark.parametrize("written", [
    "accounting.contacts.read+accounting.settings.read",
    "accounting.contacts.read%20accounting.settings.read",
    "accounting.contacts.read;accounting.settings.read",
    "scope=accounting.contacts.read accounting.settings.read",
    "Scopes: accounting.contacts.read, accounting.settings.read",
    "['accounting.contacts.read', 'accounting.settings.read']",
    '["accounting.contacts.read", "accounting.settings.read"]',
])
def test_a_scope_list_copied_from_a_url_or_a_repr_is_read(written: str) -> None:
    assert parse_scopes(written) == {"accounting.contacts.read", "accounting.settings.read"}
    d = diagnose(status=401, body=P401, headers={"WWW-Authenticate": "insufficient_scope"},
                 endpoint="GET /Contacts", granted=written)
    assert "missing_scope" not in d.codes[:1]  # the scope it needs is there


def test_a_python_list_that_is_no_literal_is_still_refused_plainly() -> None:
    with pytest.raises(ValueError, match="looks like JSON but is not"):
        parse_scopes("[__import__('os').getcwd()]")

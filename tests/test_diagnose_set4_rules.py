"""Readings generalised from the fourth set of written variants (tests/test_diagnose_variants.py).

Set 4 was measured before any rule was written from it; these rules were then written from its
misses as facts about wording, and each is tested here in words that are not the variant's.
"""

from __future__ import annotations

import pytest

from xero_nb.diagnose import diagnose
from xero_nb.diagnose.diagnosis import NO_ANSWER
from xero_nb.diagnose.status import status_from_text


@pytest.mark.parametrize(("text", "cause"), [
    # an invoicing-only user, however the role is written
    ("Our bookkeeper only has an invoicing-only login, and the integration will not connect for her.",
     "user_role"),
    ("Staff member with Invoicing only access cannot authorise the app", "user_role"),
    # the user who connected, then what they may do
    ("Figures are off for two clients: the person who originally connected them has a restricted "
     "role in Xero.", "user_role"),
    ("the user who set it up has a limited access level", "user_role"),
    # the organisation's connection removed
    ("Steps: delete the organisation connection in settings, then press Sync; a Xero error shows.",
     "connection_revoked"),
    ("After removing our Xero org connection the nightly export fails", "connection_revoked"),
    # not linked any more, whatever the vendor says of the token
    ("The app says Xero isn't connected any more since the token expired.",
     "connection_revoked"),
    ("xero not linked to our account anymore (token expired??)", "connection_revoked"),
    # authorised for one organisation, the call aimed at another
    ("403: the token was authorised for one Xero organisation and the request went to another.",
     "tenant_not_connected"),
    # a refresh token left unused for 60 days or more
    ("Integration stopped syncing; we hadn't used it for over 60 days.", "invalid_grant"),
    ("nobody opened it in 60+ days of inactivity and now it wants us to connect again", "invalid_grant"),
    # the access token's 30 minutes with nothing refreshing it
    ("The data feed dies after about 30 minutes until I authorise again.", "token_expired"),
    ("access ends after 30 min, then I must run the login flow again", "token_expired"),
    # an ellipsis inside "the connection ... has expired"
    ("Your connection to Xero \u2026 has expired, please reconnect from settings.", "invalid_grant"),
    ("Message: 'Connection to Xero ... has expired' - reconnect needed", "invalid_grant"),
    # "connection refused" in a sentence is a vendor refusing, not a socket error
    ("Payroll add-on: connection refused, the organisation we chose is in a region they do not "
     "support (only the UK and Australia).", "payroll_region_mismatch"),
])
def test_a_set4_reading_in_other_words(text: str, cause: str) -> None:
    assert diagnose(text=text).top.code == cause


@pytest.mark.parametrize("text", [
    "Failed to establish a new connection: [Errno 111] Connection refused",
    "curl: (7) Failed to connect to localhost port 8080: Connection refused",
    "dial tcp 127.0.0.1:8080: connect: connection refused",
    "java.net.ConnectException: Connection refused (Connection refused)",
    "Connection reset by peer",
    "curl: (28) Connection timed out after 5001 milliseconds",
])
def test_a_printed_connection_failure_is_still_no_answer(text: str) -> None:
    assert NO_ANSWER.search(text)
    top = diagnose(text=text).top
    title = top.title.lower()
    assert top.code == "unknown" and ("connection failed" in title or "no answer" in title), title


@pytest.mark.parametrize("text", [
    "Planday: connection refused, the org isn't in a region they support",
    "I think the connection refused the request",
])
def test_connection_refused_in_a_sentence_is_no_socket_error(text: str) -> None:
    assert NO_ANSWER.search(text) is None


@pytest.mark.parametrize(("text", "status"), [
    ("Power BI: all requests 403 even with a fresh token", 403),
    ("every single call 401 since this morning", 401),
    ("each request now 429", 429),
    ("all requests 4031 times", None),  # no status: a number, not a status
])
def test_the_status_straight_after_the_calls(text: str, status: int | None) -> None:
    assert status_from_text(text) == status

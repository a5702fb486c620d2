"""The status however a user gives it: the text "401" alone, a float from a DataFrame, an
HTTPStatus, a reason phrase; and a note, not silence, when it is none of these."""

from __future__ import annotations

from functools import partial
from http import HTTPStatus
from typing import Any

import pytest

from xero_nb.diagnose import diagnose as _diagnose_with_wording

# These tests pin the rules: diagnose() here is the rules alone (resemblance=False); the wording's
# statistical reading it adds by default is tested in tests/test_diagnose_resemble.py.
diagnose = partial(_diagnose_with_wording, resemblance=False)


@pytest.mark.parametrize(("kwargs", "status"), [
    ({"text": "401"}, 401), ({"text": " 403\n"}, 403), ({"text": "429"}, 429),
    ({"status": 401.0}, 401), ({"status": HTTPStatus.FORBIDDEN}, 403), ({"status": "403"}, 403),
    ({"status": "Forbidden"}, 403), ({"status": "too many requests"}, 429),
])
def test_a_status_given_in_any_usual_form_is_read(kwargs: dict[str, Any], status: int) -> None:
    d = diagnose(**kwargs)
    assert d.observed.status == status and d.notes == ()
    assert d.top.code != "unknown"


@pytest.mark.parametrize("bad", [999, 401.5, "abc", "40l"])
def test_a_status_that_is_none_says_so(bad: object) -> None:
    d = diagnose(status=bad)
    assert d.observed.status is None
    assert d.notes == (f"status {str(bad)!r} is not an HTTP status (100-599, or a reason such as "
                       "'Forbidden'); it was left out",)


def test_a_number_inside_prose_is_not_taken_alone() -> None:
    assert diagnose(text="we sent 401 invoices").observed.status is None


@pytest.mark.parametrize(("retry_after", "said"), [
    ("30", "Wait 30 s before"),
    ("7200", "Wait 7200 s (about 2.0 h) before"),
    ("86400", "Wait 86400 s (about 24.0 h) before"),
    ("90000", "Wait until the day limit resets (the Retry-After of 90000 s is more than a day"),
    ("1e308", "Wait until the day limit resets (the Retry-After of 1e308 s is more than a day"),
    ("-5", "Wait (the Retry-After '-5' is no usable number of seconds) before"),
    ("nan", "Wait (the Retry-After 'nan' is no usable number of seconds) before"),
    (None, "Wait (no Retry-After given) before"),
])
def test_a_retry_after_is_repeated_only_when_it_is_a_wait_xero_could_ask(retry_after: str | None,
                                                                        said: str) -> None:
    """Xero's longest wait is the day limit's; more than a day, or no number, was garbled."""
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    fix = diagnose(status=429, headers=headers).top.fix[0]
    assert fix.startswith(said)


def test_an_unusable_or_too_long_retry_after_is_quoted_to_twenty_characters() -> None:
    garbled = diagnose(status=429, headers={"Retry-After": "soon-ish, maybe after lunch"}).top.fix[0]
    assert garbled.startswith("Wait (the Retry-After 'soon-ish, maybe afte' is no usable number")
    huge = diagnose(status=429, headers={"Retry-After": "9" * 25}).top.fix[0]
    assert huge.startswith(f"Wait until the day limit resets (the Retry-After of {'9' * 20} s is more "
                           "than a day, longer than Xero ever asks) before")


@pytest.mark.parametrize("era", ["Granular", " GRANULAR ", "granular"])
def test_the_era_is_read_in_any_case(era: str) -> None:
    d = diagnose(status=401, endpoint="GET /Invoices", granted="accounting.transactions", era=era)
    assert d.top.code == "broad_scope_on_granular_app" and d.notes == ()


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig", "utf-8"])
def test_pasted_bytes_in_windows_encodings_are_read(encoding: str) -> None:
    data = "401 Unauthorized\r\nWWW-Authenticate: insufficient_scope\r\n".encode(encoding)
    d = diagnose(text=data)  # type: ignore[arg-type]  # bytes, as read from a file
    assert d.observed.status == 401 and d.top.code == "missing_scope"

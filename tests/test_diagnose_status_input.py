"""The status however a user gives it: the text "401" alone, a float from a DataFrame, an
HTTPStatus, a reason phrase; and a note, not silence, when it is none of these."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

import pytest

from xero_nb.diagnose import diagnose


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

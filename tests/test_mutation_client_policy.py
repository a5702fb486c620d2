"""The client's retry decisions and path filling, each by what a user reads or sends: the reason
a retry stopped, a wait exactly at the cap, a path value with a slash, the missing names."""

from __future__ import annotations

import pytest

from xero_nb.client.policy import MissingPathParamError, RetryPolicy, fill
from xero_nb.client.result import RateLimits
from xero_nb.client.target import method_and_target


def test_a_dropped_connection_is_named_by_its_error_class_alone() -> None:
    wait, why = RetryPolicy().delay("GET", 1, 0, RateLimits(), "ReadTimeout: timed out: after 5 s")
    assert (wait, why) == (0.5, "ReadTimeout")


def test_the_day_limit_stops_with_its_reason() -> None:
    got = RetryPolicy().delay("GET", 1, 429, RateLimits(problem="day", retry_after=30), None)
    assert got == (None, "day limit reached: retrying would take hours")


def test_a_429_without_its_kind_is_called_a_rate_limit() -> None:
    assert RetryPolicy().delay("GET", 1, 429, RateLimits(retry_after=5), None) == (5, "429 rate limit")


def test_a_retry_after_of_exactly_max_wait_is_waited_for() -> None:
    policy = RetryPolicy(max_wait=60)
    assert policy.delay("GET", 1, 429, RateLimits(problem="minute", retry_after=60), None) == (60, "429 minute")
    assert policy.delay("GET", 1, 429, RateLimits(problem="minute", retry_after=61), None) == (
        None, "Retry-After 61s is longer than max_wait")


def test_a_path_value_is_escaped_whole_slashes_too() -> None:
    assert fill("/Contacts/{ContactID}", {"contactid": "a/b c"}) == "/Contacts/a%2Fb%20c"


def test_every_missing_path_parameter_is_named() -> None:
    url = "/Invoices/{InvoiceID}/Attachments/{FileName}"
    with pytest.raises(MissingPathParamError) as raised:
        fill(url, {})
    assert str(raised.value) == (f"no value for path parameter(s) InvoiceID, FileName in {url}; "
                                 "pass path_params={...}")


def test_when_both_arguments_look_like_methods_the_method_argument_wins() -> None:
    """call(url, method): a target that only looks like a method is taken as the URL."""
    assert method_and_target("DELETE", "get") == ("GET", "DELETE")
    assert method_and_target("get", "/Invoices") == ("GET", "/Invoices")

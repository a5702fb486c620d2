"""What a new user's trial of diagnose() found (1 Dec 2026), each as the behaviour it now has.

The trial ran the tool as a user would (the README, notebook 05, no tests or rules read) and
reported where the wording's statistical reading, the context arguments and the redaction went
wrong; the redaction findings are in tests/test_redact.py.
"""

from __future__ import annotations

import pytest

from xero_nb.diagnose import diagnose
from xero_nb.diagnose.alike import FILL_AT_MOST

SCOPE_401 = '{"Status":401,"Detail":"AuthorizationUnsuccessful"}\nWWW-Authenticate: insufficient_scope'
PAYROLL_AU = "GET https://api.xero.com/payroll.xro/1.0/Employees"


@pytest.mark.parametrize("country", ["Australia", "australia", "AUS", "au-AU", "en-AU", "AU"])
def test_a_country_written_out_is_the_country(country: str) -> None:
    d = diagnose(text=SCOPE_401, endpoint=PAYROLL_AU, country=country)
    assert d.top.code == "missing_scope" and "payroll_region_mismatch" not in d.codes[:1]


@pytest.mark.parametrize("country", ["New Zealand", "United Kingdom", "England", "en-GB", "GBR"])
def test_another_country_written_out_is_still_a_mismatch(country: str) -> None:
    d = diagnose(text=SCOPE_401, endpoint=PAYROLL_AU, country=country)
    assert d.top.code == "payroll_region_mismatch"


def test_a_country_that_is_none_is_said_and_ignored() -> None:
    d = diagnose(text=SCOPE_401, endpoint=PAYROLL_AU, country="Narnia")
    assert d.top.code == "missing_scope" and any("country was not read" in n for n in d.notes)


def test_one_tenant_id_given_as_the_connections_is_one_connection() -> None:
    tid = "11111111-1111-4111-8111-111111111111"
    d = diagnose(text='{"Status":403,"Detail":"AuthenticationUnsuccessful"}', connections=tid, tenant_id=tid)
    assert d.top.code != "tenant_not_connected"  # the tenant sent is the one connected
    assert not any("36 tenant" in e for f in d.findings for e in f.evidence)


def test_connections_that_are_not_connections_are_said_and_not_read_as_none() -> None:
    d = diagnose(text='{"Status":403,"Detail":"AuthenticationUnsuccessful"}', connections=[1, 2, None],
                 tenant_id="11111111-1111-4111-8111-111111111111")
    assert any("not a connection" in n for n in d.notes)
    assert not any("no connections" in f.title for f in d.findings)


def test_a_settled_cause_gets_no_guess_by_wording_beside_it() -> None:
    d = diagnose(text="HTTP/1.1 429 Too Many Requests\nX-Rate-Limit-Problem: minute\nRetry-After: 47")
    assert d.codes == ("rate_limited",) and d.decisive_fact is None


def test_a_guess_by_wording_weighs_little_and_says_it_is_not_confirmed() -> None:
    d = diagnose(text="our Xero invoices stopped syncing after the weekend, the connector shows an error")
    guesses = [f for f in d.findings if any("the wording resembles" in e for e in f.evidence)]
    assert guesses and all(f.weight <= FILL_AT_MOST for f in guesses)
    assert all(any(e.startswith("not confirmed:") for e in f.evidence) for f in guesses)
    assert not any(e.startswith("confirmed by") for f in guesses for e in f.evidence)


def test_scopes_that_allow_the_call_keep_the_rules_question_first() -> None:
    d = diagnose(text=SCOPE_401, endpoint="GET /Invoices", granted="accounting.invoices.read")
    alone = diagnose(text=SCOPE_401, endpoint="GET /Invoices", granted="accounting.invoices.read", resemblance=False)
    assert d.top == alone.top and "are they the sent token's own" in d.top.title


def test_a_404_is_not_read_as_a_missing_scope() -> None:
    nf = '{"Type":null,"Title":"NotFound","Status":404,"Detail":"The resource you have specified cannot be found"}'
    d = diagnose(text=nf, endpoint="GET /Invoices/2c1d6b8e-1234-4abc-9def-0123456789ab",
                 granted="accounting.invoices.read")
    assert d.top.code != "missing_scope" and "404" in d.top.title


@pytest.mark.parametrize("text", ["The quick brown fox jumps over the lazy dog", "Lorem ipsum dolor sit amet again"])
def test_words_about_nothing_of_xero_get_no_cause(text: str) -> None:
    assert diagnose(text=text).top.code == "unknown"


def test_a_cause_the_writer_rules_out_is_not_read_by_the_wording_either() -> None:
    d = diagnose(text="403 Forbidden, it's not a rate limit, I only make one call a day")
    assert d.top.code != "rate_limited" and "rate_limited" not in d.codes[:3]


@pytest.mark.parametrize(("text", "status"), [
    ("System.Net.WebException: Der Remoteserver hat einen Fehler zurückgegeben: (401) Nicht autorisiert.", 401),
    ("Le serveur distant a retourné une erreur : (401) Non autorisé.", 401),
    ("Error: La solicitud falló con el código de estado 403 (Prohibido)", 403),
    ("错误\uff1a请求 https://api.xero.com/api.xro/2.0/Invoices 返回 403 禁止访问", 403),
    ("Erreur 401 : accès non autorisé lors de l'appel à /api.xro/2.0/Payments", 401),
    ("Fehler: 429 zu viele Anfragen", 429),
    ("\uff14\uff10\uff13 \uff26\uff4f\uff52\uff42\uff49\uff44\uff44\uff45\uff4e", 403),  # full-width, as an East Asian input method types it
])
def test_a_status_in_another_language_or_script_is_read(text: str, status: int) -> None:
    assert diagnose(text=text).observed.status == status


@pytest.mark.parametrize("text", ["we ordered (400) units in Erreur-free batches", "item (404)", "codice 12"])
def test_numbers_that_are_no_status_stay_none(text: str) -> None:
    assert diagnose(text=text).observed.status is None


def test_invisible_characters_change_no_word() -> None:
    text = 'HTTP 401 {"Detail":"Authorization\u200bUnsuccessful"} GET https://api.xero.com/api.xro/2.0/Invoices'
    plain = text.replace("\u200b", "")
    assert diagnose(text=text).observed.field("detail") == "AuthorizationUnsuccessful"
    assert diagnose(text=text).codes == diagnose(text=plain).codes


@pytest.mark.parametrize("text", ['{"Status":401,"Detail":"AuthorizationUnsuccessful"}',
                                  'GET https://api.xero.com/connections -> 401 Unauthorized\n'
                                  'WWW-Authenticate: Bearer error="invalid_token"'])
def test_a_401_on_connections_is_never_read_as_a_scope_or_a_tenant(text: str) -> None:
    d = diagnose(text=text, endpoint="GET https://api.xero.com/connections")
    assert not {"missing_scope", "not_reconsented", "tenant_header_missing", "tenant_not_connected"} & set(d.codes)


def test_a_bad_where_filter_gets_no_permission_cause_by_wording() -> None:
    d = diagnose(text='{"ErrorNumber":16,"Type":"QueryParseException","Message":"No property or field '
                      "'Statuss' exists in type 'Invoice'\"}")
    assert d.codes == ("unknown",)


CURED = ('DEBUG:urllib3.connectionpool:https://api.xero.com:443 "GET /api.xro/2.0/Invoices HTTP/1.1" 401 152\n'
         'DEBUG:urllib3.connectionpool:https://identity.xero.com:443 "POST /connect/token HTTP/1.1" 200 1650\n'
         'DEBUG:urllib3.connectionpool:https://api.xero.com:443 "GET /api.xro/2.0/Invoices HTTP/1.1" 200 None')


def test_a_log_whose_failures_were_all_cured_says_nothing_is_failing() -> None:
    d = diagnose(text=CURED)  # (the failure is still explained: what was cured, and how)
    assert any("cured by a retry or a token refresh" in n and "nothing is failing now" in n for n in d.notes)
    assert not any("nothing is failing" in n for n in diagnose(text=CURED.rsplit("\n", 1)[0]).notes)


def test_a_traceback_after_a_call_that_worked_is_not_put_on_that_call() -> None:
    tb = ('INFO:httpx:HTTP Request: GET https://api.xero.com/api.xro/2.0/Contacts "HTTP/1.1 200 OK"\n'
          "Traceback (most recent call last):\n"
          '  File "sync.py", line 9, in <module>\n    api.get_payments(tid)\n'
          "xero_python.exceptions.http_status_exceptions.HTTPStatusException: (401)\nReason: Unauthorized\n"
          "HTTP response headers: HTTPHeaderDict({'WWW-Authenticate': 'insufficient_scope'})\n"
          'HTTP response body: b\'{"Type":null,"Title":"Unauthorized","Status":401,"Detail":"AuthorizationUnsuccessful"}\'\n')
    d = diagnose(text=tb)
    assert d.top.code == "missing_scope" and "accounting.contacts" not in d.top.title
    assert any("another call's" in n for n in d.notes)


def test_an_html_error_page_says_its_status() -> None:
    page = ("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
            "</center><hr><center>nginx</center></body></html>")
    d = diagnose(text=page)
    assert d.observed.status == 502 and d.codes == ("unknown",)


def test_a_python_call_missing_its_tenant_id_argument_is_the_callers_own() -> None:
    d = diagnose(text="TypeError: get_invoices() missing 1 required positional argument: 'xero_tenant_id'")
    assert d.codes == ("unknown",) and "no request was sent to Xero" in d.top.title
    assert "xero_tenant_id" in d.top.fix[0]


@pytest.mark.parametrize(("given", "said"), [
    ({"token": 5}, "the token given (int) could not be read"),
    ({"user_role": "superadmin"}, "user_role 'superadmin' is not a Xero role"),
    ({"headers": 5}, "the headers given (int) could not be read"),
    ({"request_headers": 5}, "the request headers given (int) could not be read"),
])
def test_an_argument_that_cannot_be_read_is_said_and_the_rest_is_read(given: dict[str, object], said: str) -> None:
    d = diagnose(text='{"Status":403,"Detail":"AuthenticationUnsuccessful"}', **given)  # type: ignore[arg-type]
    assert any(n.startswith(said) for n in d.notes), d.notes
    assert d.observed.status == 403 and d.top.code == "tenant_header_missing"


def test_a_role_that_is_read_gives_no_note() -> None:
    assert not diagnose(text='{"Status":403,"Detail":"AuthenticationUnsuccessful"}', user_role="read only").notes

"""The answers this session's new branches give, pinned whole (title, evidence, fix, weight, the
deciding fact): the output of a trial's input, so that a mutant of any of them is seen."""

from __future__ import annotations

import pytest
from authlib.integrations.base_client import InvalidTokenError
from diagnose_pins import run

CALCINAI = 'XeroPHP\\Remote\\Exception\\ForbiddenException: You are not permitted to access this resource\n'
HANG = '  File "/srv/venv/urllib3/util/retry.py", line 374, in sleep_for_retry\n    time.sleep(retry_after)\nKeyboardInterrupt\n'
XEROIZER = 'Xeroizer::OAuth::TokenExpired: Xeroizer::OAuth::TokenExpired\n'
NODE = '{"response": {"statusCode": 401, "body": {"Title": "Unauthorized", "Status": 401, "Detail": "AuthenticationUnsuccessful"}, "headers": {"xero-correlation-id": "44b7c6ee"}, "request": {"method": "GET", "url": {"path": "/api.xro/2.0/Accounts"}, "headers": {"accept": "application/json", "user-agent": "xero-node-20.0.0", "xero-tenant-id": "989da563-4b59-5ac8-b50c-d89dc74fb4fa"}}}}'

INPUTS = {
    "empty_object": lambda: run(text="{}"),
    "axios": lambda: run(text="AxiosError: Request failed with status code 400"),
    "calcinai": lambda: run(text=CALCINAI),
    "hang": lambda: run(text=HANG),
    "xeroizer": lambda: run(text=XEROIZER),
    "token_invalid": lambda: run(response=InvalidTokenError()),
    "node": lambda: run(text=NODE),
}

EXPECTED = {
    'empty_object': (
        None,
        [
            ('unknown', "Nothing to go on: '{}' is how an error object prints, not the error", ("no HTTP status; body '{}'",), ('JSON.stringify(err) of a JavaScript Error prints {} and String(obj) prints [object Object]: print err.message, and for an API error err.response.data (xero-node: err.response.body), then diagnose that.', 'Pass more context to diagnose(): endpoint, token or granted scopes, connections, organisation.'), 0.25, None),
        ],
    ),
    'axios': (
        None,
        [
            ('unknown', "axios's own message (400), without Xero's answer", ("status 400; body 'AxiosError: Request failed with status code 400'",), ("Axios (which xero-node uses) keeps Xero's answer in err.response.data and err.response.headers; String(err), err.message and JSON.stringify(err) leave it out: print those and diagnose them.", 'Pass more context to diagnose(): endpoint, token or granted scopes, connections, organisation.'), 0.25, None),
        ],
    ),
    'calcinai': (
        "the HTTP status behind the message (401: a scope the token lacks; 403: the tenant or the user's access)",
        [
            ('missing_scope', 'Probably a scope the token lacks; the endpoint is not settled, so which one cannot be told', ("no HTTP status (a wrapper's message)",), ("Find the endpoint's scope: `xero-nb scopes-for METHOD URL`.", 'Existing tokens never change: the user must sign in and consent again, then use the NEW token (refreshing the old one keeps the old scopes).'), 0.385, "the HTTP status behind the message (401: a scope the token lacks; 403: the tenant or the user's access)"),
            ('tenant_not_connected', 'Or, if it was a 403: the xero-tenant-id sent is not one this token may use', ('no HTTP status',), ('Call GET /connections with this token and use one of its tenantIds.',), 0.36, 'the HTTP status xero-php received (log it before the exception: its ForbiddenException stands for every 401 and every 403)'),
            ('token_expired', 'Or, if it was a 401: the access token expired (they last 30 minutes)', ('no HTTP status',), ('Refresh the access token and retry.',), 0.33, 'the HTTP status xero-php received (log it before the exception: its ForbiddenException stands for every 401 and every 403)'),
            ('user_role', "A library's fixed 'not permitted' message: perhaps the user lacks a role", ('no HTTP status',), ('Ask an organisation admin for the needed role (reports access, payroll admin), then retry.',), 0.3, "the user's role in this organisation (reports access, payroll admin)"),
            ('not_reconsented', 'The scope may already be requested in code, but the token predates it (refreshing keeps the old scopes)', ("no HTTP status (a wrapper's message)",), ('Existing tokens never change: the user must sign in and consent again, then use the NEW token (refreshing the old one keeps the old scopes).',), 0.245, "the token's scopes (the access token's `scope` claim, or pass token= / granted=)"),
        ],
    ),
    'hang': (
        None,
        [
            ('rate_limited', 'Rate limit hit: a rate limit (kind not given); wait (no Retry-After given)', ('no HTTP status', 'urllib3 was sleeping out a Retry-After (sleep_for_retry) when stopped', "the error's wording names a rate limit"), ('Wait (no Retry-After given) before the next call to this tenant.', 'Pace calls: at most 5 in flight and 60 a minute per tenant (probe does this).', "The script was not hung: urllib3 was waiting out Xero's Retry-After (a day limit waits for hours). To see the 429 at once instead, give the HTTP pool Retry(respect_retry_after_header=False) or no retries."), 0.9, 'the HTTP status (429 is a rate limit) and the X-Rate-Limit-Problem header'),
        ],
    ),
    'xeroizer': (
        None,
        [
            ('token_expired', 'Probably an expired access token, but xeroizer gave no reason', ('status 401', 'TokenExpired with no description'), ("Refresh the access token (with the refresh token: POST https://identity.xero.com/connect/token, grant_type=refresh_token; xero-nb's XeroAuth.token() does it before expiry) and retry.", 'If the token was issued without offline_access there is no refresh token: sign in again.', "If a fresh token gets it too, it is not expiry: a missing scope (401) or the tenant (403); a xeroizer that reads Xero's `Detail` names the reason."), 0.75, 'whether a freshly refreshed token gets it too'),
        ],
    ),
    'token_invalid': (
        None,
        [
            ('token_expired', "The client's stored access token has expired and it cannot refresh it: nothing was sent to Xero", ('no HTTP status', 'error: token_invalid', 'authlib raises token_invalid before any request when it cannot refresh'), ("Give the OAuth2 client a token that holds its refresh_token, and token_endpoint='https://identity.xero.com/connect/token': authlib then refreshes before a call. Without a refresh token (no offline_access), sign in again.",), 0.9, None),
        ],
    ),
    'node': (
        # (the 401's Detail is in the paste already: the fact asked for is the token itself)
        "the token sent (a JWT whose aud is https://identity.xero.com/resources, not expired)",
        [
            ('token_expired', '401 AuthenticationUnsuccessful: the access token was not accepted (expired, malformed, revoked, or an id_token sent instead)', ('status 401', 'detail: AuthenticationUnsuccessful'), ('Refresh the access token (xero-node: await xero.refreshToken() (or refreshWithRefreshToken(clientId, clientSecret, refreshToken)); then store the new token set) and retry.', 'If the token was issued without offline_access there is no refresh token: sign in again.', 'Check that the access_token itself is sent, whole (not the id_token).'), 0.4, 'the token sent (a JWT whose aud is https://identity.xero.com/resources, not expired)'),
            ('missing_scope', 'The token lacks `accounting.settings.read`, which GET /Accounts (accounting.getAccounts) needs', ('status 401', 'GET /Accounts (accounting.getAccounts) needs any one of: accounting.settings, accounting.settings.read'), ('Add `accounting.settings.read` to the scopes your app requests.', 'Existing tokens never change: the user must sign in and consent again, then use the NEW token (refreshing the old one keeps the old scopes).'), 0.33, "the token's scopes (the access token's `scope` claim, or pass token= / granted=)"),
            ('not_reconsented', '`accounting.settings.read` may already be requested in code, but the token predates it', ('status 401', 'GET /Accounts (accounting.getAccounts) needs any one of: accounting.settings, accounting.settings.read'), ('Existing tokens never change: the user must sign in and consent again, then use the NEW token (refreshing the old one keeps the old scopes).',), 0.193, "the token's scopes (the access token's `scope` claim, or pass token= / granted=)"),
        ],
    ),
}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_the_answer_is_pinned_whole(name: str) -> None:
    d = INPUTS[name]()
    fact, findings = EXPECTED[name]
    assert d.decisive_fact == fact
    assert [(f.code, f.title, f.evidence, f.fix, round(f.weight, 3), f.decides) for f in d.findings] == findings


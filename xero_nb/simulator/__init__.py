"""An offline Xero (identity, consent, every API route, limits and faults) for tests and demos.

>>> from xero_nb.simulator import XeroSimulator
>>> sim = XeroSimulator()
>>> sorted(sim.apps)
['custom', 'migrating', 'partner', 'pkce', 'web']

How to meet each refusal (or call ``sim.scenario(code).send()``):

- 401 ``TokenExpired``: ``sim.advance(1801)`` after issuing a token.
- 401 ``AuthorizationUnsuccessful`` + ``WWW-Authenticate: insufficient_scope``: a token without
  the endpoint's scope for its app's era (``pkce``/``custom`` granular, ``web`` broad,
  ``migrating`` mixed); also ``/Journals`` for any app below the Advanced tier once the
  simulated date reaches 2 Mar 2026 (``web`` Core, ``migrating`` Plus, ``pkce`` Starter; only
  ``partner`` keeps it; facts ASSUMPTIONS ``journals_tier``), ``/Reports/BankStatement``,
  and restricted scopes the app is not approved for.
- 403 ``AuthenticationUnsuccessful``: no ``xero-tenant-id``, a tenant not connected to this
  token's user, ``sim.disconnect(...)``, revocation, ``sim.set_role(user, org, None)``.
- 403 ``invalid-application`` (problem+json): finance/bankfeeds from an app other than ``partner``.
- 403 plan / role: Payroll or Projects on ``Harbour Cafe (NZ)`` (Projects also on the NZ demo);
  ``cara`` (invoice-only in AU), ``dan`` (read-only in NZ, writes), ``eve`` (no reports access,
  no payroll admin in AU), ``ben`` (adviser, not a payroll admin).
- 404: a wrong payroll region (AU ``payroll.xro/1.0`` vs NZ/UK ``2.0``), an unknown record,
  ``DELETE /connections/{tenantId}``; 405: a wrong method on a known path.
- 429: more than 60 calls a minute or 5 in flight per connection, 5,000 a day (1,000 for the
  Starter-tier ``pkce`` app), 10,000 a minute per app; ``sim.limits`` holds the numbers.
  Every API answer (401s, 403s, 404s, 405s and injected 500/503s included) carries
  ``X-AppMinLimit-Remaining`` when the token names an app we issued, and
  ``X-DayLimit-Remaining``/``X-MinLimit-Remaining`` when a tenant is known too (the
  ``xero-tenant-id`` header, or a custom connection's org). With no tenant (no header, App
  Store billing) the per-tenant pair is left out rather than invented: no connection's quota
  applies. Only calls that pass the token check on a known route are counted; the others
  report what is left without spending it. identity.xero.com and ``/connections`` carry none.
- 500/503/latency/dropped/truncated: ``sim.faults.add(kind, route=None, share=1.0, times=None,
  seconds=0.0)``; ``route`` is an operationId or a path glob such as ``"/api.xro/2.0/Invoices*"``.
- Token endpoint 400s: ``invalid_grant`` (reused code, rotated refresh token after the 30-minute
  grace or once a token issued for it has been used (facts ASSUMPTIONS ``refresh_grace_reuse``:
  a lost answer may be retried, a token set never branches), 60 idle days, revoked),
  ``invalid_client``, ``unsupported_grant_type``,
  ``invalid_scope`` "Client credentials scope validation failed" (``custom`` asking for a scope
  it lacks, ``partner`` asking for anything but ``marketplace.billing``); ``unauthorized_client``
  for client_credentials from other apps; authorize redirects ``unauthorized_client`` "Invalid
  scope for client", and ``invalid_request`` "Invalid code_challenge" for a PKCE challenge that
  is not 43-128 characters of ``A-Z a-z 0-9 - . _ ~`` (RFC 7636; a hex S256 challenge passes
  there and fails at the code exchange, ``invalid_grant``). A redirect URI that is not
  registered, or has a fragment (even on a loopback port), gets the 400 error page
  ``invalid_request`` "Invalid redirect_uri": never a redirect.
- Consent: ``XeroSimulator(auto_approve=True)`` (the default) and ``xero-nb simulator`` approve
  at once; ``auto_approve=False``, ``xero-nb simulator --consent`` and ``python -m
  xero_nb.simulator`` (unless ``--auto-approve``) show the consent page (organisations to pick,
  Allow, Cancel: ``access_denied``).
- client_credentials also serves App Store billing: ``partner`` (approved for
  ``marketplace.billing``) gets a token with no refresh token and no organisation, good for
  ``/appstore/2.0`` only.
- The call record: ``sim.calls`` holds the last ``sim.max_calls`` calls (1,000 unless
  ``XeroSimulator(record_calls=N)``; ``False`` keeps none), oldest first, each copied with its
  credentials masked (bearer tokens, client secrets, codes, issued tokens, ``state`` and
  ``nonce``). ``xero-nb simulator`` keeps none unless given ``--record N``: a server left
  running must not grow.
- Every answer carries ``Date`` in simulated time (``sim.clock``, so under ``time_scale`` or
  ``advance`` too), as Xero's carry its own: a client judging clock skew from it agrees with
  the tokens' ``exp`` and ``TokenExpired`` times.
- Problem bodies follow the API: lower-case ``application/problem+json`` under payroll NZ/UK,
  finance and bankfeeds (404s and 405s included), PascalCase elsewhere.
- 429's ``Retry-After`` counts the simulator's seconds (scaled by ``time_scale``): a client
  sleeping on ``sim.clock.sleep``/``asleep`` gets through.

Answers are shaped by the specs: ``schemas`` reads the compact index ``data/schemas.json``
(built by ``schema_build`` from ``vendor/xero-openapi``; the package never reads ``vendor/``),
``gen`` renders each record and envelope from the operation's response schema (required fields,
MS-JSON dates on accounting and payroll AU, ISO elsewhere, enums, UUIDs, numbers), ``data``
keeps the records (seeded by ``seed``; an unseeded collection holds one generated record;
a collection under a parent, such as ``/Projects/{id}/Tasks`` or ``/Invoices/{id}/History``,
is kept per parent, so a child id under the wrong parent is 404 like any unknown id at any
depth; ``lookup`` finds ids), ``writes`` creates, updates and deletes, with ``validate``
checking each posted record against the spec's request schema at every depth (a
``ValidationException`` with per-element ``ValidationErrors`` on accounting and payroll AU,
``invalidFields`` on payroll 2.0, ``modelState`` on projects); ``sim.reset()`` returns to the
seed; ``plans`` works out once per route what its path says (the shape it answers, the parent
records its ids name). xero-python (``tests/test_sim_sdk.py``) and xero-node
(``tests/test_sim_node.py``) call every GET method they have against ``serve()``.

The rest: ``sim`` (``XeroSimulator``, the public face) over ``roster`` (its apps,
organisations, users, roles and directly minted tokens; ``SimulatorError``); ``world`` (the
state every handler reads), ``authorize``/``identity``/``api`` (the handlers), ``core`` (routes
a call, applies faults and limits, answers, keeps the masked record), ``routes`` (the route
table, with what each route's checks need worked out once), ``wire`` (the request and answer
records), ``transport``/``app``/``server`` (in-process, ASGI, 127.0.0.1), ``scenarios``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from xero_nb.simulator.main import main
from xero_nb.simulator.orgs import DemoApp, DemoOrg, DemoUser, OrgRole
from xero_nb.simulator.scenarios import SCENARIOS, Scenario
from xero_nb.simulator.sim import SimulatorError, XeroSimulator
from xero_nb.simulator.transport import SimTransport

if TYPE_CHECKING:
    from xero_nb.simulator.server import SimServer


def __getattr__(name: str) -> Any:
    if name == "SimServer":  # uvicorn is imported only when a server is wanted
        from xero_nb.simulator.server import SimServer

        return SimServer
    raise AttributeError(f"module 'xero_nb.simulator' has no attribute {name!r}")


__all__ = ["SCENARIOS", "DemoApp", "DemoOrg", "DemoUser", "OrgRole", "Scenario", "SimServer",
           "SimTransport", "SimulatorError", "XeroSimulator", "main"]

"""xero-python (Xero's official SDK) calls every GET method against ``XeroSimulator().serve()``.

Each method's answer must parse into the SDK's models without an exception: the SDK is built
from the same specs, so this is the check an integrator's own code would meet first.
"""

from __future__ import annotations

import inspect
import re
import time
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import test_sim_spec_walk as walk
from xero_python.accounting import AccountingApi
from xero_python.api_client import ApiClient
from xero_python.api_client.configuration import Configuration
from xero_python.api_client.oauth2 import OAuth2Token
from xero_python.appstore import AppStoreApi
from xero_python.assets import AssetApi
from xero_python.file import FilesApi
from xero_python.finance import FinanceApi
from xero_python.payrollau import PayrollAuApi
from xero_python.payrollauv2 import PayrollAuV2Api
from xero_python.payrollnz import PayrollNzApi
from xero_python.payrolluk import PayrollUkApi
from xero_python.project import ProjectApi

from xero_nb.catalog.index import load_catalog
from xero_nb.models import Endpoint
from xero_nb.simulator import SimServer, XeroSimulator

SDK_APIS = {"accounting": AccountingApi, "appstore": AppStoreApi, "assets": AssetApi,
            "files": FilesApi, "finance": FinanceApi, "payroll_au": PayrollAuApi,
            "payroll_au_v2": PayrollAuV2Api, "payroll_nz": PayrollNzApi, "payroll_uk": PayrollUkApi,
            "projects": ProjectApi}
# Required query parameters, by the SDK's argument name.
QUERY = {"status": "REGISTERED", "from_date": "2026-10-01", "to_date": "2026-10-31",
         "content_type": "application/octet-stream"}
# Methods xero-python itself cannot parse, whatever the body: each must still fail this way, so
# the day the SDK is fixed this table says so.
SDK_CANNOT_PARSE = {
    "get_associations_count": "Can't deserialize data_type='object'",  # no deserializer for 'object'
}


def snake(name: str) -> str:
    """``getContactCISSettings`` -> ``get_contact_cis_settings`` (the SDK's own naming)."""
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name.replace("-", "_"))
    return re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name).lower()


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[XeroSimulator, SimServer, ApiClient]]:
    sim = XeroSimulator(limits=False, record_calls=False)
    token = walk.full_access(sim)
    token["expires_at"] = time.time() + token["expires_in"]
    config = Configuration(oauth2_token=OAuth2Token(client_id="sim", client_secret="sim"))
    client = ApiClient(config, pool_threads=1, oauth2_token_getter=lambda: token,
                       oauth2_token_saver=lambda t: None)
    with sim.serve() as server:
        yield sim, server, client


def _gets() -> list[tuple[Endpoint, str]]:
    out = []
    for ep in load_catalog():
        if ep.method == "GET" and ep.api in SDK_APIS and ep.source == "spec":
            out.append((ep, snake(ep.operation_id)))
    return out


def _args(sim: XeroSimulator, ep: Endpoint, method: Any) -> dict[str, Any]:
    ids = {snake(k): v for k, v in walk.path_ids(sim, ep).items()}
    contact = sim.records("AU", "accounting", "contacts")[0]["ContactID"]
    bank = sim.records("AU", "accounting", "accounts")[0]["AccountID"]
    kwargs: dict[str, Any] = {}
    for name, param in inspect.signature(method).parameters.items():
        if param.default is not inspect.Parameter.empty or param.kind is param.VAR_KEYWORD:
            continue
        if name == "xero_tenant_id":
            kwargs[name] = walk.tenant_of(sim, ep)
        elif name in ids:
            kwargs[name] = ids[name]
        elif name == "contact_id":
            kwargs[name] = contact
        elif name == "bank_account_id":
            kwargs[name] = bank
        elif name == "object_ids":
            kwargs[name] = [contact]
        elif name == "pay_run_id":
            run = sim.records(walk.tenant_of(sim, ep), ep.api, "payruns")[0]
            kwargs[name] = next(v for k, v in run.items() if k.lower() == "payrunid")
        elif name in ("from_date", "to_date"):
            kwargs[name] = date.fromisoformat(str(QUERY[name]))
        elif name in QUERY:
            kwargs[name] = QUERY[name]
        else:
            raise AssertionError(f"{ep.operation_id}: no value for the SDK's argument {name!r}")
    return kwargs


def test_every_sdk_get_method_parses_the_simulators_answer(
        served: tuple[XeroSimulator, SimServer, ApiClient]) -> None:
    sim, server, client = served
    gets = _gets()
    assert len(gets) >= 200
    failures: list[str] = []
    for ep, name in gets:
        base = ep.base_url.replace("https://api.xero.com", server.url)
        api = SDK_APIS[ep.api](client, base_url=base)
        method = getattr(api, name, None)
        if method is None:
            failures.append(f"{ep.api}.{ep.operation_id}: the SDK has no {name}")
            continue
        known = SDK_CANNOT_PARSE.get(name)
        try:
            method(**_args(sim, ep, method))
        except Exception as exc:  # any exception is the failure being looked for
            if known is None or known not in str(exc):
                failures.append(f"{ep.api}.{name}: {type(exc).__name__}: {str(exc)[:200]}")
        else:
            if known is not None:
                failures.append(f"{ep.api}.{name} parses now: drop it from SDK_CANNOT_PARSE")
    assert failures == [], f"{len(failures)} of {len(gets)} methods failed:\n" + "\n".join(failures)

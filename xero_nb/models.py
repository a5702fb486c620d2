"""Frozen records shared by every layer: endpoints, their parameters, tenants."""

from __future__ import annotations

from dataclasses import dataclass

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

# Which organisations' payroll each payroll API serves (AU v2 covers timesheets only).
PAYROLL_REGIONS = {"payroll_au": "AU", "payroll_au_v2": "AU", "payroll_nz": "NZ", "payroll_uk": "UK"}


@dataclass(frozen=True, slots=True)
class Param:
    """One path or query parameter of an endpoint."""

    name: str
    location: str  # "path" or "query"
    type: str
    required: bool
    format: str | None = None


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One callable Xero operation. ``scopes`` is the spec's any-of list (broad era)."""

    api: str
    method: str
    path: str
    operation_id: str
    tag: str
    scopes: frozenset[str]
    base_url: str
    tenant_header: bool
    params: tuple[Param, ...] = ()
    spec_version: str = ""
    source: str = "spec"  # or where Xero documents an operation its OpenAPI specs leave out

    @property
    def key(self) -> tuple[str, str]:
        """``(api, operation_id)``: unique across specs (operationIds repeat between APIs)."""
        return (self.api, self.operation_id)

    @property
    def url(self) -> str:
        """The full URL template, e.g. ``https://api.xero.com/api.xro/2.0/Invoices/{InvoiceID}``."""
        return self.base_url + self.path

    @property
    def is_write(self) -> bool:
        """True for POST, PUT, PATCH and DELETE: these change the organisation."""
        return self.method in WRITE_METHODS

    @property
    def payroll_region(self) -> str | None:
        """``AU``, ``NZ`` or ``UK`` for payroll endpoints, else None."""
        return PAYROLL_REGIONS.get(self.api)

    @property
    def path_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "path")

    @property
    def query_params(self) -> tuple[Param, ...]:
        return tuple(p for p in self.params if p.location == "query")

    def __str__(self) -> str:
        return f"{self.method} {self.url} ({self.api}.{self.operation_id})"


def _text(value: object) -> str:
    """A JSON value as text; null (None) and a missing key are both empty, never "None"."""
    return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class Tenant:
    """One row of ``GET /connections``: an organisation this token's user connected."""

    connection_id: str
    tenant_id: str
    tenant_name: str
    tenant_type: str = "ORGANISATION"
    auth_event_id: str = ""
    created: str = ""
    updated: str = ""

    @classmethod
    def from_connection(cls, row: dict[str, object]) -> Tenant:
        """Build from a ``/connections`` JSON object, its keys in any case, with or without
        underscores (xero-python's ``Connection.to_dict()`` writes ``tenant_id``, .NET ``TenantId``)."""
        keyed = {str(k).replace("_", "").lower(): v for k, v in row.items()}
        return cls(
            connection_id=_text(keyed.get("id")),
            tenant_id=_text(keyed.get("tenantid")),
            tenant_name=_text(keyed.get("tenantname")),
            tenant_type=_text(keyed.get("tenanttype")) or "ORGANISATION",
            auth_event_id=_text(keyed.get("autheventid")),
            created=_text(keyed.get("createddateutc")),
            updated=_text(keyed.get("updateddateutc")),
        )

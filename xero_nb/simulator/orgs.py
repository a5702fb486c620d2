"""The demo world: apps, organisations and users the simulator knows."""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass, field
from datetime import date

LOOPBACK_REDIRECT = "http://127.0.0.1/callback"
LOCALHOST_REDIRECT = "http://localhost:8765/callback"
# Postman's OAuth 2.0 callbacks (the desktop app catches the redirect), so Xero's Postman
# collection can sign in to the simulator with the demo apps as it does to Xero.
POSTMAN_REDIRECTS = ("https://oauth.pstmn.io/v1/callback", "https://oauth.pstmn.io/v1/browser-callback")
REDIRECT_URIS = (LOOPBACK_REDIRECT, LOCALHOST_REDIRECT, *POSTMAN_REDIRECTS)

# Roles that may connect an app (Xero FAQ permissions); others are missing from the org picker.
CONNECTING_ROLES = frozenset({"standard", "adviser"})
ROLES = ("standard", "adviser", "invoice_only", "read_only")

CUSTOM_SCOPES = frozenset({
    "accounting.invoices", "accounting.payments", "accounting.banktransactions",
    "accounting.contacts", "accounting.settings", "accounting.attachments",
    "accounting.reports.profitandloss.read", "accounting.reports.balancesheet.read",
    "accounting.reports.trialbalance.read", "accounting.reports.aged.read",
    "payroll.employees", "payroll.settings", "assets", "projects", "files",
})
PARTNER_APPROVED = frozenset({
    "paymentservices", "bankfeeds", "finance.statements.read", "finance.cashvalidation.read",
    "finance.bankstatementsplus.read", "accounting.journals.read",
    "accounting.reports.bankstatement.read", "marketplace.billing",
})


@dataclass(frozen=True, slots=True)
class DemoApp:
    """One app registered with the simulated Xero developer portal."""

    name: str
    client_id: str
    client_secret: str | None = field(repr=False)
    redirect_uris: tuple[str, ...]
    era: str  # "broad", "granular" or "mixed"
    kind: str  # "web" (confidential), "pkce" (public), "custom" (client_credentials)
    created: date
    approved_scopes: frozenset[str] = frozenset()
    tier: str = "core"  # starter, core, plus, advanced, enterprise
    scopes: frozenset[str] = frozenset()  # a custom connection's configured scopes
    tenant_id: str | None = None  # a custom connection's one organisation

    @property
    def confidential(self) -> bool:
        """True when the app has a client secret."""
        return self.client_secret is not None


@dataclass(frozen=True, slots=True)
class DemoOrg:
    """One organisation (tenant) with its plan and country."""

    tenant_id: str
    name: str
    country: str  # AU, NZ, UK, US
    short_code: str
    currency: str
    payroll: bool = True
    projects: bool = True
    tenant_type: str = "ORGANISATION"

    @property
    def payroll_region(self) -> str | None:
        """The payroll API region this org answers (None: no Xero payroll)."""
        return self.country if self.country in ("AU", "NZ", "UK") else None


@dataclass(frozen=True, slots=True)
class OrgRole:
    """A user's standing in one organisation."""

    role: str
    reports: bool = True
    payroll_admin: bool = False


@dataclass(frozen=True, slots=True)
class DemoUser:
    """A Xero user: who signs in at the consent screen."""

    user_id: str
    email: str
    name: str
    roles: dict[str, OrgRole] = field(hash=False, compare=False)  # tenant_id -> OrgRole

    def can_connect(self, tenant_id: str) -> bool:
        """True if the org appears in this user's org picker."""
        r = self.roles.get(tenant_id)
        return r is not None and r.role in CONNECTING_ROLES


def _uuid(seed: int, name: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"xero-nb-sim/{seed}/{name}"))


def stable_hex(seed: int, name: str, n: int = 32) -> str:
    return hashlib.sha256(f"xero-nb-sim/{seed}/{name}".encode()).hexdigest()[:n].upper()


def demo_orgs(seed: int = 0) -> list[DemoOrg]:
    """AU, NZ, UK and US demo companies, and an NZ cafe without Payroll or Projects on its plan."""
    return [
        DemoOrg(_uuid(seed, "org/AU"), "Demo Company (AU)", "AU", "!aU1x9", "AUD", True, True),
        DemoOrg(_uuid(seed, "org/NZ"), "Demo Company (NZ)", "NZ", "!nZ2k4", "NZD", True, False),
        DemoOrg(_uuid(seed, "org/UK"), "Demo Company (UK)", "UK", "!uK3m7", "GBP", True, True),
        DemoOrg(_uuid(seed, "org/US"), "Demo Company (US)", "US", "!uS4p2", "USD", False, True),
        DemoOrg(_uuid(seed, "org/NZ-cafe"), "Harbour Cafe (NZ)", "NZ", "!hC5q8", "NZD", False, False),
    ]


def demo_users(orgs: list[DemoOrg], seed: int = 0) -> list[DemoUser]:
    """Users with the roles analysts trip over; the first is the default signer."""
    au, nz, uk, us, cafe = (o.tenant_id for o in orgs[:5])
    full = OrgRole("standard", reports=True, payroll_admin=True)
    return [
        DemoUser(_uuid(seed, "user/ada"), "ada@example.com", "Ada Standard",
                 {au: full, nz: full, uk: full, us: full, cafe: full}),
        DemoUser(_uuid(seed, "user/ben"), "ben@example.com", "Ben Adviser",
                 {au: OrgRole("adviser", True, False), nz: OrgRole("adviser", True, False)}),
        DemoUser(_uuid(seed, "user/cara"), "cara@example.com", "Cara Invoice-Only",
                 {au: OrgRole("invoice_only", False, False), uk: OrgRole("standard", False, False)}),
        DemoUser(_uuid(seed, "user/dan"), "dan@example.com", "Dan Read-Only",
                 {nz: OrgRole("read_only", True, False), us: OrgRole("standard", False, False)}),
        DemoUser(_uuid(seed, "user/eve"), "eve@example.com", "Eve No-Reports",
                 {au: OrgRole("standard", False, False), uk: OrgRole("standard", False, True)}),
    ]


def demo_apps(orgs: list[DemoOrg], seed: int = 0) -> dict[str, DemoApp]:
    """The demo apps, one per situation the toolkit explains."""
    def app(name: str, **kw: object) -> DemoApp:
        secret = None if kw.pop("public", False) else stable_hex(seed, f"secret/{name}", 48)
        return DemoApp(name=name, client_id=stable_hex(seed, f"client/{name}"), client_secret=secret,
                       redirect_uris=REDIRECT_URIS, **kw)  # type: ignore[arg-type]

    return {
        "web": app("web", era="mixed", kind="web", created=date(2025, 6, 1), tier="core"),
        "pkce": app("pkce", public=True, era="granular", kind="pkce", created=date(2026, 3, 16),
                    tier="starter"),
        "custom": app("custom", era="granular", kind="custom", created=date(2026, 5, 11),
                      tier="core", scopes=CUSTOM_SCOPES, tenant_id=orgs[0].tenant_id),
        "partner": app("partner", era="mixed", kind="web", created=date(2024, 9, 2),
                       tier="advanced", approved_scopes=PARTNER_APPROVED),
        "migrating": app("migrating", era="mixed", kind="web", created=date(2023, 2, 20),
                         tier="plus"),
    }

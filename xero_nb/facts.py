"""Numbers and dates Xero publishes, and the one labelled table of assumptions we rely on.

Everything here is explained, with sources, in docs/xero-facts.md. Where a point is uncertain,
the value sits in ASSUMPTIONS with its confidence, so a reader can see what we assumed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

# Hosts and paths (docs/xero-facts.md §4)
LOGIN_HOST = "login.xero.com"
IDENTITY_HOST = "identity.xero.com"
API_HOST = "api.xero.com"
AUTHORIZE_PATH = "/identity/connect/authorize"
TOKEN_PATH = "/connect/token"
REVOCATION_PATH = "/connect/revocation"
USERINFO_PATH = "/connect/userinfo"
OPENID_CONFIG_PATH = "/.well-known/openid-configuration"
JWKS_PATH = "/.well-known/openid-configuration/jwks"
CONNECTIONS_PATH = "/connections"
ISSUER = "https://identity.xero.com"
AUDIENCE = "https://identity.xero.com/resources"

# Token lifetimes (docs/xero-facts.md §4)
ACCESS_TOKEN_SECONDS = 30 * 60
REFRESH_GRACE_SECONDS = 30 * 60
REFRESH_IDLE_SECONDS = 60 * 24 * 3600

# Rate limits (docs/xero-facts.md §7)
TENANT_CONCURRENT = 5
TENANT_PER_MINUTE = 60
TENANT_PER_DAY = 5000
TENANT_PER_DAY_STARTER = 1000
APP_PER_MINUTE = 10000

# Dates (docs/xero-facts.md §3)
GRANULAR_APPS_FROM = date(2026, 3, 2)
GRANULAR_ASSIGNED_FROM = date(2026, 3, 2)  # existing apps got the granular scopes (§2b)
GRANULAR_CUSTOM_CONNECTIONS_FROM = date(2026, 4, 29)
TIERS_FROM = date(2026, 3, 2)  # Starter/Core/Plus/Advanced/Enterprise tiers (docs/xero-facts.md §7)
BROAD_MIGRATION_DEADLINE = date(2027, 9, 30)  # "by Sep 2027"; the day is not published


FACTS_DOC = "docs/xero-facts.md"  # what the project assumes about Xero, why, and the sources


@dataclass(frozen=True, slots=True)
class Assumption:
    """One point the facts file marks uncertain, and what xero-nb does about it."""

    key: str
    assumption: str
    confidence: str  # "uncertain", "single-source", "disputed", or "settled" (with its source)
    source: str

    @property
    def doc(self) -> str:
        """Where the repository explains it: the entry of this key in docs/xero-facts.md."""
        return f"{FACTS_DOC}#{self.key}"


ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption("classicexpenses", "ExpenseClaims and Receipts have no granular scope: only the deprecated "
               "accounting.transactions(.read) reaches them (there is no accounting.classicexpenses)",
               "settled", "Xero scopes page (2026) and Xero's prompt library; docs/xero-facts.md §2b"),
    Assumption("taxreports", "the /Reports list maps to accounting.reports.taxreports.read (Xero's page "
               "settles /Reports/{ReportID}: taxreports covers GST and BAS only)", "uncertain",
               "third-party tables; Xero scopes page (2026) for GST/BAS"),
    Assumption("budgets", "Budgets need accounting.budgets.read (there is no accounting.budgets)",
               "settled", "Xero scopes page (2026)"),
    Assumption("journals_granular", "a granular-era app without Xero's approval is refused "
               "accounting.journals.read at authorize (unauthorized_client 'Invalid scope for client'; "
               "one report says invalid_scope at the token exchange)", "uncertain",
               "xero-mcp-server#298"),
    Assumption("journals_tier", "from 2 Mar 2026 /Journals answers 401 AuthorizationUnsuccessful to "
               "any app below the Advanced tier, older apps included", "single-source", "databuzz"),
    Assumption("granular_opt_in", "every app created before 2 Mar 2026 was assigned the granular scopes "
               "in March 2026 with no opt-in step: it is in the mixed era and is never refused them",
               "settled", "Xero scopes page (2026); docs/xero-facts.md §2b"),
    Assumption("rate_limit_problem", "X-Rate-Limit-Problem takes 'minute', 'day', 'appminute' and "
               "'concurrent'; only the first two were seen", "uncertain", "xero-node#634"),
    Assumption("missing_scope_status", "a missing scope is always 401, never 403", "uncertain",
               "real captures; some third-party fixtures say 403"),
    Assumption("auth_401_unauthenticated", "a 401 whose Detail is AuthenticationUnsuccessful, seen "
               "with Xero's headers and no WWW-Authenticate insufficient_scope, is the token not "
               "accepted (invalid, revoked, another app's) before a missing scope; the simulator "
               "answers a token it cannot read so", "uncertain",
               "xero-php-oauth2#138 (one report, blamed on scopes, headers not shown)"),
    Assumption("token_scopes_superset", "a sign-in's token can carry more scopes than were asked for: "
               "every scope the user has consented to for the app before (so oauthlib's 'Scope has "
               "changed' Warning is no failure at Xero)", "uncertain",
               "xero-python#73 (labelled API, not SDK), pyxero#287, xero-python-oauth2-starter#39"),
    Assumption("unprovisioned_product_body", "a call to a product the organisation has not set up "
               "or lacks on its plan (Payroll, Projects) answers 403 with no problem body; the "
               "simulator answers so and makes up no Detail text", "single-source",
               "docketworks' restore notes (a payroll 403 with an empty body)"),
    Assumption("payroll_admin_refusal", "a user without the payroll admin role gets 403 on payroll "
               "calls; the simulator's Detail for it is modelled on Xero's legacy reporting-role "
               "message, not seen from Xero", "uncertain", "Xero-Net#347 (the reports wording)"),
    Assumption("auth_code_lifetime", "authorization codes live 5 minutes and are single-use",
               "uncertain", "not published"),
    Assumption("refresh_grace_reuse", "within the 30-minute grace period a rotated refresh token "
               "may be redeemed again only while no token issued for it has been used; once its "
               "successor has been used, the old one gets invalid_grant (what is known: if no "
               "response arrives, the old refresh token can be retried for 30 min; several token "
               "stores refreshing the same token set get invalid_grant)", "uncertain",
               "FAQ oauth2 (grace period); community 125347287 and Xero-NetStandard#257 (several "
               "stores); Xero's docs leave reuse after the successor's use open"),
    Assumption("custom_connection_claims", "custom-connection tokens carry no xero_userid",
               "uncertain", "not published"),
    Assumption("payroll_region_status", "a payroll call to the wrong region's API answers 404 "
               "(405 seen once for NZ endpoints on an AU org)", "uncertain", "xero-mcp-server#171"),
    Assumption("bankstatement_scope", "GET /Reports/BankStatement needs "
               "accounting.reports.bankstatement.read in every era (taxreports does not grant it), "
               "a restricted scope that Xero grants only under a signed terms addendum",
               "single-source", "Codat's record of Xero's 2024 email"),
    Assumption("app_connections", "app.connections exists for non-tenanted client_credentials "
               "connection listing", "settled", "Xero scopes page (2026)"),
    Assumption("uk_statutory_leave", "UK payroll Statutory Leave Summary and Statutory Sick Leave need "
               "payroll.settings (the spec); Xero's page lists them under payroll.employees: both "
               "readings are shown, the row marked disputed", "disputed",
               "spec v16.1.0 against Xero scopes page (2026)"),
)

AUTH_CODE_SECONDS = 5 * 60  # see ASSUMPTIONS["auth_code_lifetime"]
RATE_LIMIT_PROBLEMS = ("minute", "day", "appminute", "concurrent")  # see "rate_limit_problem"


@dataclass(frozen=True, slots=True)
class XeroURLs:
    """Where Xero's OAuth2 and API endpoints live: real Xero, or one simulator origin."""

    authorize: str
    token: str
    revocation: str
    userinfo: str
    openid_configuration: str
    jwks: str
    connections: str
    api_root: str  # "https://api.xero.com": catalog base URLs are rewritten onto this root

    @classmethod
    def xero(cls) -> XeroURLs:
        """Real Xero's hosts (the simulator's in-process transport answers for these too)."""
        idp = f"https://{IDENTITY_HOST}"
        return cls(
            authorize=f"https://{LOGIN_HOST}{AUTHORIZE_PATH}", token=idp + TOKEN_PATH,
            revocation=idp + REVOCATION_PATH, userinfo=idp + USERINFO_PATH,
            openid_configuration=idp + OPENID_CONFIG_PATH, jwks=idp + JWKS_PATH,
            connections=f"https://{API_HOST}{CONNECTIONS_PATH}", api_root=f"https://{API_HOST}",
        )

    @classmethod
    def on(cls, origin: str) -> XeroURLs:
        """Everything on one origin, with Xero's paths (the simulator's loopback server)."""
        base = origin.rstrip("/")
        return cls(
            authorize=base + AUTHORIZE_PATH, token=base + TOKEN_PATH,
            revocation=base + REVOCATION_PATH, userinfo=base + USERINFO_PATH,
            openid_configuration=base + OPENID_CONFIG_PATH, jwks=base + JWKS_PATH,
            connections=base + CONNECTIONS_PATH, api_root=base,
        )

    @property
    def on_loopback(self) -> bool:
        """True when the token endpoint is on this machine (the simulator's loopback server)."""
        from urllib.parse import urlsplit

        return (urlsplit(self.token).hostname or "") in ("127.0.0.1", "localhost", "::1")

    def api_url(self, endpoint_url: str) -> str:
        """Move a catalog URL (on https://api.xero.com) onto this root."""
        prefix = f"https://{API_HOST}"
        return self.api_root + endpoint_url[len(prefix):] if endpoint_url.startswith(prefix) else endpoint_url

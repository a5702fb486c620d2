"""Calls through the official SDKs and through pyxero, found in code (never in comments or strings).

An SDK call is ``<receiver>.<method>(`` (``->`` in PHP, a space before the arguments allowed in
Ruby) whose method is an operation in some SDK's naming (see ``names``). The receiver decides
the API: an SDK client property (``xero.accountingApi``, ``xero_client.payroll_uk_api``), or a
variable the file assigned an API class or property to, or declared with that type (any name).
A receiver the file does not tie to an API counts only in a file that uses an SDK and only
when the call passes arguments: every operation that needs a tenant takes it as its first
argument, so a response getter such as PHP's ``$result->getInvoices()`` is not taken for a call.

pyxero's managers (``xero.invoices.all()``, ``.filter(...)``, ``.get(id)``, ``.put(...)``,
``.save(...)``, ``xero.payrollAPI.employees.all()``, ``xero.projectsAPI.projects.all()``, and the
others pyxero's managers have: history, attachments, ``email``, ``online_invoice``, allocations) count
when their root is the ``Xero(...)`` object, so ORM managers (``Invoice.objects.filter``) do not.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

from xero_nb.catalog.index import load_catalog
from xero_nb.scan.model import CallSite
from xero_nb.scan.names import api_of, normal, operations_named
from xero_nb.scan.source import Source

_CALL = re.compile(r"(?:\.|->|::)[ \t]*([A-Za-z_]\w*)[ \t]*\(")
_RUBY_CALL = re.compile(r"\.([a-z_]\w*)[ \t]+(?=[\w@:'\"])")
_API_END = re.compile(r"(?:api|Api|API)\b")
_API_NAME = re.compile(r"\b(?:accounting|payroll_?(?:au_?v2|au|uk|nz)|assets?|projects?|files|finance"
                       r"|bank_?feeds|app_?store|identity)_?api$", re.IGNORECASE)
_ASSIGNED = re.compile(r"([A-Za-z_$][\w$]*)\s*(?::[^=:\n]*)?=\s*(?:await\s+)?(?:new\s+)?[\w$.\\:]*$")
_HINTED = re.compile(r"([A-Za-z_$][\w$]*)\s*:\s*[\w.]*$")
_DECLARED = re.compile(r"[ \t]+([A-Za-z_$][\w$]*)\s*[=;,)]")
_XERO_OBJECT = re.compile(r"([\w.]+)\s*=\s*$")
_KEYWORDS = frozenset({"new", "extends", "implements", "import", "from", "as", "return", "class"})
PYXERO_VERBS = {"all": "GET", "filter": "GET", "get": "GET", "put": "PUT", "save": "POST", "delete": "DELETE"}
# pyxero's other manager methods (its BaseManager's decorated ones): method and the path after the
# resource; {id} is the object's id (a file name for attachments).
_ID, _FILE = "/{id}", "/file.pdf"
PYXERO_MORE = {
    "get_history": ("GET", _ID + "/History"), "put_history": ("PUT", _ID + "/History"),
    "get_attachments": ("GET", _ID + "/Attachments"),
    "get_attachment_data": ("GET", _ID + "/Attachments" + _FILE),
    "get_attachment": ("GET", _ID + "/Attachments" + _FILE),
    "put_attachment_data": ("PUT", _ID + "/Attachments" + _FILE),
    "put_attachment": ("PUT", _ID + "/Attachments" + _FILE),
    "email": ("POST", _ID + "/Email"), "online_invoice": ("GET", _ID + "/OnlineInvoice"),
    "put_allocation": ("PUT", _ID + "/Allocations"),
    "delete_allocation": ("DELETE", _ID + "/Allocations" + _ID),
    "actions": ("GET", "/Actions"),
}
PYXERO_APIS = {"payrollapi": "payroll_au", "projectsapi": "projects", "filesapi": "files"}
_LOOKBACK = 200
_OWN = frozenset({"self", "this", "cls", "$this", "super", "base", "static"})
_ANY_ID = "00000000-0000-0000-0000-000000000000"  # an id-shaped stand-in: prefers ...ID parameters


def receiver(text: str, end: int) -> list[str]:
    """The identifiers of the receiver chain that ends just before offset ``end``, outermost first."""
    segs: list[str] = []
    lo = max(0, end - _LOOKBACK)
    i = end
    while i > lo and len(segs) < 8:
        j = i
        while j > lo and text[j - 1] in " \t\r\n":
            j -= 1
        if j > lo and text[j - 1] == ")":  # a call in the chain: getInstance(...), AccountingApi()
            depth, k = 0, j - 1
            while k > lo:
                depth += {")": 1, "(": -1}.get(text[k], 0)
                if depth == 0:
                    break
                k -= 1
            if depth:
                break
            j = k
        k = j
        while k > lo and (text[k - 1].isalnum() or text[k - 1] in "_$"):
            k -= 1
        if k == j:
            break
        segs.append(text[k:j])
        m = k
        while m > lo and text[m - 1] in " \t":
            m -= 1
        if text[m - 2: m] in ("->", "::", "?."):
            i = m - 2
        elif m > lo and text[m - 1] in ".\\":
            i = m - 1
        else:
            break
    return segs[::-1]


def api_variables(src: Source) -> dict[str, list[tuple[int, str]]]:
    """Normalised variable name -> (offset, api) for each place the file ties a name to an API."""
    text, spans = src.text, src.spans
    out: dict[str, list[tuple[int, str]]] = {}
    for end in _API_END.finditer(text):
        m = _API_NAME.search(text, max(0, end.start() - 16), end.end())
        if m is None or spans.kind_at(m.start()) != "code":
            continue
        api = api_of(m.group())
        if api is None:
            continue
        names = []
        after = _DECLARED.match(text, m.end())
        if after and after.group(1) not in _KEYWORDS:
            names.append(after.group(1))
        line_start = text.rfind("\n", max(0, m.start() - _LOOKBACK), m.start()) + 1
        prefix = text[max(line_start, m.start() - _LOOKBACK): m.start()]
        for pattern in (_ASSIGNED, _HINTED):
            found = pattern.search(prefix)
            if found and found.group(1) not in _KEYWORDS:
                names.append(found.group(1))
                break
        for name in names:
            out.setdefault(normal(name), []).append((m.start(), api))
    return out


def _api_at(bound: list[tuple[int, str]], pos: int) -> str:
    before = [api for at, api in bound if at < pos]
    return before[-1] if before else bound[0][1]


def _has_args(text: str, pos: int) -> bool:
    rest = text[pos: pos + 40].lstrip()
    return bool(rest) and rest[0] != ")"


def sdk_calls(src: Source) -> Iterator[CallSite]:
    """The official-SDK calls in ``src``."""
    text, spans = src.text, src.spans
    cat = load_catalog()
    variables: dict[str, list[tuple[int, str]]] | None = None
    uses_sdk: bool | None = None
    for at, name, segs, args_at in _candidates(src):
        ops = operations_named(name)
        if normal(name) == "updatetenants":
            ops = (("identity", "getConnections"),)
        if not ops or spans.kind_at(at) != "code":
            continue
        segs = segs if segs is not None else receiver(text, at)
        if not segs or (len(segs) == 1 and segs[0] in _OWN):
            continue  # an object's own method, named like an operation (a wrapper around the SDK)
        if variables is None:
            variables = api_variables(src)
        last = normal(segs[-1])
        api = _api_at(variables[last], at) if last in variables else api_of(segs[-1])
        if ops[0][0] == "identity" and name.lower() == "updatetenants":
            api = "identity" if "xero" in last else None
            if api is None:
                continue
        if api is not None:
            chosen = [k for k in ops if k[0] == api]
            if not chosen:
                continue
            key, confidence, note = chosen[0], 0.95, ""
        else:
            if uses_sdk is None:
                uses_sdk = src.uses_sdk()
            if not uses_sdk or not _has_args(text, args_at):
                continue
            mentioned = {a for bound in variables.values() for _, a in bound}
            narrowed = [k for k in ops if k[0] in mentioned] or list(ops)
            key = narrowed[0]
            confidence = 0.7 if len(narrowed) == 1 else 0.5
            note = "receiver not tied to an API class" + (
                f"; could also be {', '.join(a for a, _ in narrowed[1:])}" if len(narrowed) > 1 else "")
        if key == ("accounting", "getReportFromId") and _BANK_STATEMENT_ARG.match(text, args_at):
            # the report id names the restricted report, its own catalog operation (§6)
            key, note = ("accounting", "getReportBankStatement"), "report id BankStatement"
        ep = cat.get(*key)
        yield CallSite(src.rel, src.line(at), src.snippet(at), ep.api, ep.operation_id,
                       ep.method, ep.path, src.sdk, confidence, note)


# getattr(accounting_api, name)(...) / getattr(xero, resource.lower()).all(): a computed name
_GETATTR_DYNAMIC = re.compile(r"\bgetattr\s*\(\s*([A-Za-z_][\w.]{0,80}?)\s*,\s*(?![\"'])[^)\n]{1,80}\)")
# pyxero's OAuth2 credentials list the connections: credentials.get_tenants() is GET /connections
_GET_TENANTS = re.compile(r"\.get_tenants\s*\(")


def dynamic_sites(src: Source) -> list[str]:
    """"file:line" of each call through a computed name on a Xero SDK object or a pyxero client."""
    if src.suffix != ".py" or "getattr" not in src.text:
        return []
    out = []
    variables = None
    for m in _GETATTR_DYNAMIC.finditer(src.text):
        if src.spans.kind_at(m.start()) != "code":
            continue
        target = m.group(1).split(".")[-1]
        if variables is None:
            variables = api_variables(src)
        if normal(target) in variables or api_of(target) or "xero" in target.lower():
            out.append(f"{src.rel}:{src.line(m.start())}")
    return out


# getattr(accounting_api, "get_accounts")(tenant_id): a method named in a string, then called
_GETATTR = re.compile(r"\bgetattr\s*\(\s*([A-Za-z_][\w.]{0,80}?)\s*,\s*[\"'](\w+)[\"']\s*\)\s*\(")


def _candidates(src: Source) -> Iterator[tuple[int, str, list[str] | None, int]]:
    """``(offset, method name, receiver chain or None: read it before the offset, where the
    arguments start)`` of each call that may be an SDK operation."""
    text = src.text
    for m in _CALL.finditer(text):
        yield m.start(), m.group(1), None, m.end()
    if src.suffix == ".rb":
        for m in _RUBY_CALL.finditer(text):
            yield m.start(), m.group(1), None, m.end()
    if src.suffix == ".py" and "getattr" in text:
        for m in _GETATTR.finditer(text):
            yield m.start(), m.group(2), m.group(1).split("."), m.end()


# get_report_from_id(tenant, "BankStatement") / report_id="BankStatement": the arguments after the "("
_BANK_STATEMENT_ARG = re.compile(r"[^)\n]{0,200}[\"'`]BankStatement[\"'`]")


@lru_cache(maxsize=16)
def _first_segments(api: str) -> dict[str, str]:
    """Lower-cased first path segment -> as the catalog spells it, for one API."""
    out: dict[str, str] = {}
    for ep in load_catalog():
        if ep.api == api:
            seg = ep.path.strip("/").split("/")[0]
            out.setdefault(seg.lower(), seg)
    return out


@lru_cache(maxsize=16)
def _base(api: str) -> str:
    return next(ep.base_url for ep in load_catalog() if ep.api == api)


def _literal_arg(text: str, pos: int) -> str | None:
    found = re.match(r"\s*['\"]([\w-]+)['\"]", text[pos: pos + 80])
    return found.group(1) if found else None


def pyxero_calls(src: Source) -> Iterator[CallSite]:
    """pyxero manager calls in a Python file (and its credentials' ``get_tenants()``)."""
    if src.suffix != ".py":
        return
    text, spans = src.text, src.spans
    if "get_tenants" in text and ("from xero" in text or "import xero" in text or "Credentials" in text):
        connections = load_catalog().get("identity", "getConnections")
        for m in _GET_TENANTS.finditer(text):
            if spans.kind_at(m.start()) == "code":
                yield CallSite(src.rel, src.line(m.start()), src.snippet(m.start()), connections.api,
                               connections.operation_id, connections.method, connections.path, "pyxero", 0.9,
                               "pyxero credentials.get_tenants()")
    roots = set()
    at = text.find("Xero(")
    while at >= 0:  # names assigned a pyxero client: x = Xero(credentials)
        bound = _XERO_OBJECT.search(text, max(0, at - 60), at)
        if bound:
            roots.add(normal(bound.group(1).split(".")[-1]))
        at = text.find("Xero(", at + 5)
    cat = load_catalog()
    for m in _CALL.finditer(text):
        verb = m.group(1)
        if (verb not in PYXERO_VERBS and verb not in PYXERO_MORE) or spans.kind_at(m.start()) != "code":
            continue
        segs = receiver(text, m.start())
        if len(segs) < 2:
            continue
        api = PYXERO_APIS.get(normal(segs[-2]), "accounting")
        root = segs[-3] if api != "accounting" and len(segs) >= 3 else segs[-2]
        if "xero" not in normal(root) and normal(root) not in roots:
            continue
        manager = segs[-1].lower()
        segments = _first_segments(api)
        seg = segments.get(manager) or segments.get(manager.rstrip("s"))
        if seg is None:
            continue
        path = "/" + seg
        if verb in PYXERO_MORE:
            method, rest = PYXERO_MORE[verb]
            path += rest.replace("{id}", _ANY_ID)
        else:
            method = PYXERO_VERBS[verb]
            if verb in ("get", "delete") and _has_args(text, m.end()):
                path += "/" + (_literal_arg(text, m.end()) or _ANY_ID)
        found = [ep for ep, _ in cat.match(method, _base(api) + path) if ep.api == api]
        if not found:
            continue
        ep = found[0]
        yield CallSite(src.rel, src.line(m.start()), src.snippet(m.start()), ep.api, ep.operation_id,
                       ep.method, ep.path, "pyxero", 0.9)

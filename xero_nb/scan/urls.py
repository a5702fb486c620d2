"""Raw HTTP calls: Xero URLs and paths in strings, f-strings, template literals and concatenations.

A string counts when it holds a Xero API base (``api.xro/2.0``, ``payroll.xro/1.0``,
``api.xero.com/connections``...), or starts with a placeholder or a concatenation of a name
that some scanned file assigns such a base (``f"{XERO_API}/Invoices/{id}"``,
``BASE + "/Invoices/" + id``). Placeholders (``{id}``, ``${id}``, ``#{id}``, ``%s``) and
concatenated expressions become path parameters. The HTTP method comes from the call around
the string (``requests.get(``, ``httpx.post(``, ``axios.put(``, ``fetch(url, {method: ...})``,
``HttpMethod.Post``, ``Net::HTTP::Put``) or from where a variable holding it is used; when it
cannot be seen, GET (or the one method the path has) is assumed with a lower confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from xero_nb.catalog.index import load_catalog
from xero_nb.models import Endpoint
from xero_nb.scan.helpers import Helper, helper_at
from xero_nb.scan.model import CallSite, UnknownCall
from xero_nb.scan.names import normal
from xero_nb.scan.source import Source

ORIGIN = "https://api.xero.com"
MARKERS = (".xro/", "api.xero.com", "appstore/2.0")
_BASE = re.compile(r"(?:https?://api\.xero\.com)?/?\b((?:api|payroll|assets|projects|files|finance|bankfeeds)"
                   r"\.xro/[12]\.0|appstore/2\.0)|https?://api\.xero\.com(?=/connections\b)",
                   re.IGNORECASE)
_HOLE = re.compile(r"\$?#?\{[^{}\n]{0,80}\}|%[sd]")
_LEAD = re.compile(r"^\$?#?\{([^{}\n]{1,80})\}")
_NAME_BEFORE = re.compile(r"([A-Za-z_$][\w$.]*)\s*(?:\+|\.|,)\s*$")
_ASSIGNED = re.compile(r"([A-Za-z_$][\w$]*)['\"]?\s*(?::[^=:\n]{0,40})?(?:=|:|=>)\s*[rRbBfFuU@$]{0,2}$")
_CONCAT = re.compile(r"\s*(?:\+|\.(?![A-Za-z_]))\s*")
# where the next function starts (Python's def, JS's function, a C#/Java/PHP method's modifiers)
_NEXT_FUNCTION = re.compile(r"\n[ \t]{0,40}(?:async[ \t]{1,4})?(?:def|function)[ \t]|"
                            r"\n[ \t]{0,40}(?:public|private|protected)[ \t]")
# a base joined with a path word: os.path.join(BASE_URL, "Currencies"), urljoin(BASE, "Invoices/")
_JOIN_BEFORE = re.compile(r"\bjoin\s{0,3}\(\s{0,3}([A-Za-z_][\w.]{0,60})\s{0,3},\s{0,3}[rRuU]?$")
_PATHLIKE = re.compile(r"[A-Za-z][A-Za-z0-9]{1,40}(?:/[A-Za-z0-9{}_-]{1,60}){0,4}/?")
_IMPLICIT = re.compile(r"[ \t]{0,40}(?:\\?\r?\n[ \t]{0,80}){0,3}[fFrRbBuU]{0,2}(?=[\"'])")
_EXPR = re.compile(r"[\w$][\w$.\[\]'\"]{0,80}(?:\([^()\n]{0,80}\))?")
_BACK = re.compile(r"\b(?:(get|post|put|patch|delete)(?:async)?\s*\("
                   r"|httpmethod\.(get|post|put|patch|delete)\b"
                   r"|net::http::(get|post|put|patch|delete)\b"
                   r"|\w*request(?:async)?\s*\(\s*['\"](get|post|put|patch|delete)['\"]|(fetch)\s*\("
                   r"|method\s*[:=]>?\s*['\"](get|post|put|patch|delete)['\"]"
                   # a test double's registration: responses.add(responses.DELETE, url), httpretty's
                   r"|\b(?:responses|httpretty|respx)\.(get|post|put|patch|delete)\b)", re.IGNORECASE)
_FWD = re.compile(r"method\s*[:=]>?\s*['\"](get|post|put|patch|delete)['\"]", re.IGNORECASE)
_JAVA_FWD = re.compile(r"\.(GET|POST|PUT|DELETE)\(")


# A name that holds a URL, called with a verb as the whole argument: requests.put(INVOICES_URL, ...),
# self.session.post(self.POST_INVOICE), fetch(URL, {method: "PUT"}), http_delete(URL), request("PUT", URL).
# Found from the constant's name back (few names are in capitals before a "," or ")"): _NAME_AT,
# then _VERB_BEFORE on the text before it, which must end where the argument starts.
_NAME_AT = re.compile(r"\b([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)(?=\s*[,)])")
_VERB_BEFORE = re.compile(
    r"\b(?:(get|post|put|patch|delete)(?:async)?\s*\(\s*"
    r"|\w*request(?:async)?\s*\(\s*['\"](get|post|put|patch|delete)['\"]\s*,\s*"
    r"|httpmethod\.(get|post|put|patch|delete)\s*,\s*"
    # the app's own wrapper: http_put(URL), self._post_request(URL), do_get(URL), postRequest(URL)
    # (the URL may come after other arguments: self._post_request(data, Invoices.POST_INVOICE))
    r"|\b_?(?:[a-z]\w{0,30}?_)?(get|post|put|patch|delete)(?:_?(?:request|req|call|json|data|api))?\s*\(\s*"
    r"(?:[\w$.]{1,40}\s*,\s*){0,2}"
    r"|(fetch)\s*\(\s*)"
    r"(?:[A-Za-z_$][\w$]*\.){0,3}$", re.IGNORECASE)
# a constant's name (INVOICES_URL, POST_INVOICE): its uses anywhere are calls of its URL
_CONSTANT = re.compile(r"[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[A-Z]{2,}[0-9]*")


# a line that is a decorator (Python's @app.route(...), TypeScript's @Get(...)): what it names is served
_DECORATOR = re.compile(r"[ \t]*@[A-Za-z_]")
# a path word held by a constant: CONTACTS = "Contacts", INVOICE_PATH = 'Invoices/{id}'
_WORD_CONSTANT = re.compile(
    r"""(?m)^[ \t]*(?:(?:export[ \t]+)?(?:const|static|final|public|private|readonly)[ \t]+)*"""
    r"""(?:[\w<>]+[ \t]+)?([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)[ \t]*(?::[ \t]*\w+[ \t]*)?=[ \t]*"""
    r"""["']([A-Za-z][A-Za-z0-9]{1,40}(?:/[A-Za-z0-9{}]{1,40}){0,3})["'][ \t]*;?[ \t]*$""")
_WORD_HOLE = re.compile(r"\$?\{([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\}")


def _filled(words: dict[str, str]) -> Callable[[re.Match[str]], str]:
    """A ``re.sub`` replacement: a ``{NAME}`` placeholder as the word its constant holds, else as it is."""
    return lambda hole: words.get(hole.group(1), hole.group(0))


def _words(text: str) -> dict[str, str]:
    """The file's constants that hold one path word or a few (``{"CONTACTS": "Contacts"}``)."""
    return {m.group(1): m.group(2) for m in _WORD_CONSTANT.finditer(text)}


# any function given the constant: its verb is read from its own body (function_verbs)
_WRAPPER_BEFORE = re.compile(
    r"\b([A-Za-z_$][\w$]*)\s*\(\s*(?:[\w$.]{1,40}\s*,\s*){0,2}(?:[A-Za-z_$][\w$]*\.){0,3}$")
_NOT_WRAPPERS = frozenset({"print", "len", "str", "format", "join", "urljoin", "log", "info", "debug",
                           "warning", "error", "append", "dict", "list", "tuple", "set", "get", "fetch"})
# where a function's body starts (Python def; JavaScript function or method) and the verbs it sends
_FUNC = re.compile(r"(?m)^[ \t]*(?:async[ \t]+)?def[ \t]+(\w+)[ \t]*\(|\bfunction[ \t]+(\w+)[ \t]*\(")
_SENDS = re.compile(r"\b(?:requests|session|httpx|client|self\.session|axios|http)\s*\.\s*"
                    r"(get|post|put|patch|delete)\s*\("
                    r"|\brequest\s*\(\s*['\"](get|post|put|patch|delete)['\"]"
                    r"|\bmethod\s*=\s*['\"](get|post|put|patch|delete)['\"]", re.IGNORECASE)


def function_verbs(src: Source) -> dict[str, set[str]]:
    """``{function name: the HTTP verbs its body sends}`` for the functions of a file."""
    text = src.text
    starts = [(m.start(), m.group(1) or m.group(2)) for m in _FUNC.finditer(text)]
    out: dict[str, set[str]] = {}
    for i, (at, name) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else min(len(text), at + 4000)
        verbs = {next(g for g in m.groups() if g).upper() for m in _SENDS.finditer(text, at, end)}
        if verbs:
            out.setdefault(name, set()).update(verbs)
    return out


@dataclass(frozen=True, slots=True)
class Use:
    """A name passed whole to a call with a verb: where, and the verb."""

    file: str
    line: int
    snippet: str
    method: str


def name_uses(src: Source) -> dict[str, list[Use]]:
    """Normalised constant name -> each place ``src`` calls a verb with it as the whole URL."""
    out: dict[str, list[Use]] = {}
    text = src.text
    for at in _NAME_AT.finditer(text):
        name = at.group(1)
        if _CONSTANT.fullmatch(name) is None:
            continue
        m = _VERB_BEFORE.search(text, max(0, at.start() - 120), at.start())
        if m is None:  # a wrapper whose name says no verb: self._update_request(data, Api.PUT_X)
            w = _WRAPPER_BEFORE.search(text, max(0, at.start() - 120), at.start())
            if w is not None and w.group(1).lower() not in _NOT_WRAPPERS \
                    and src.spans.kind_at(w.start()) == "code":
                where = w.start()
                out.setdefault(normal(name), []).append(
                    Use(src.rel, src.line(where), src.snippet(where), "?" + w.group(1)))
            continue
        if src.spans.kind_at(m.start()) != "code":
            continue
        verb = next(g for g in m.groups() if g)
        if verb.lower() == "fetch":
            fwd = _FWD.search(_call_rest(text, at.end()))
            verb = fwd.group(1) if fwd else "GET"
        out.setdefault(normal(name), []).append(Use(src.rel, src.line(m.start()), src.snippet(m.start()),
                                                    verb.upper()))
    return out


@dataclass(frozen=True, slots=True)
class Constant:
    """A URL held by a constant whose call was not seen where it is defined: its uses, in any file,
    are the calls (one per verb it is used with); none seen, the definition is one, GET assumed."""

    file: str
    line: int
    snippet: str
    name: str  # normalised
    url: str
    spelled: str  # as the code writes it (INVOICES_URL): what a file that uses it holds


def settle_constant(c: Constant, uses: dict[str, list[Use]], extended: bool = False,
                    verbs: dict[str, set[str]] | None = None) -> list[CallSite | UnknownCall]:
    """The calls a constant's URL makes: one per use with a verb (a wrapper's, ``verbs``, read from
    its body, when it sends one); else, unless a longer path was built on it (``extended``:
    ``f"{INVOICES_URL}/{id}"``, a call of its own), its definition (GET assumed)."""
    found: list[CallSite | UnknownCall] = []
    for use in uses.get(c.name, ()):
        if use.method.startswith("?"):  # through a wrapper: its one verb, else not a call of it
            sent = (verbs or {}).get(use.method[1:], set())
            if len(sent) != 1:
                continue
            use = Use(use.file, use.line, use.snippet, next(iter(sent)))
        ep, note, verb = resolve(use.method, c.url)
        if ep is None:
            found.append(UnknownCall(use.file, use.line, use.snippet, verb, c.url))
        else:
            found.append(CallSite(use.file, use.line, use.snippet, ep.api, ep.operation_id, ep.method,
                                  ep.path, "http", min(0.85, 0.6 if "could also be" in note else 1),
                                  f"URL from {c.spelled} ({c.file}:{c.line})"))
    if found or extended:
        return found
    ep, note, verb = resolve(None, c.url)
    if ep is None:
        return [UnknownCall(c.file, c.line, c.snippet, verb, c.url)]
    return [CallSite(c.file, c.line, c.snippet, ep.api, ep.operation_id, ep.method, ep.path, "http", 0.6,
                     note)]


@dataclass(frozen=True, slots=True)
class Pending:
    """A relative path joined to a name whose value another file may hold: resolved after the scan."""

    file: str
    line: int
    snippet: str
    name: str  # normalised
    path: str
    method: str | None
    confidence: float


def _content(text: str, s: int, e: int) -> str:
    raw = text[s:e]
    quote = raw[:3] if raw[:3] in ('"""', "'''") else raw[:1]
    body = raw[len(quote):]
    return body[: -len(quote)] if body.endswith(quote) else body


def _clean(path: str) -> str:
    path = _HOLE.sub("{p}", path)
    for stop in "?# \t\n'\"`":
        path = path.split(stop, 1)[0]
    return path.rstrip(".,;:)")


def clean_path(url: str) -> str:
    """``url`` with its placeholders (``{id}``, ``${x}``, ``%s``) as path parameters, query cut."""
    return _clean(url)


def _concatenated(src: Source, e: int, path: str) -> str:
    """``path`` extended by what is concatenated after the string ending at ``e``."""
    text, spans = src.text, src.spans
    for _ in range(6):
        join = _CONCAT.match(text, e)
        if (not join or join.end() == e) and src.suffix == ".py":
            join = _IMPLICIT.match(text, e)  # Python's adjacent literals: "https://.../" f"{id}/..."
            starts = bisect_left(spans.starts, join.end()) if join is not None else -1
            if join is None or starts >= len(spans.starts) or spans.starts[starts] != join.end() \
                    or spans.kinds[starts] != "string":
                break
        elif not join or join.end() == e:
            break
        nxt = join.end()
        i = bisect_left(spans.starts, nxt)
        if i < len(spans.starts) and spans.starts[i] == nxt and spans.kinds[i] == "string":
            end = spans.ends[i]
            path += _content(text, nxt, end)
            e = end
            continue
        expr = _EXPR.match(text, nxt)
        if not expr or not path.endswith("/"):
            break
        path += "{p}"
        e = expr.end()
    return path


def _call_rest(text: str, e: int, limit: int = 300) -> str:
    """The text after offset ``e`` up to the end of the call the string stands in."""
    depth = 0
    for i in range(e, min(len(text), e + limit)):
        ch = text[i]
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth < 0:
                return text[e:i]
        elif ch == ";" and depth == 0:
            return text[e:i]
    return text[e: e + limit]


def _still_open(text: str, start: int) -> bool:
    """True when the call whose "(" ends just before ``start`` is still open at the end of ``text``
    (``requests.get(`` around the string; not one closed before a ``raise Error(`` that holds it)."""
    depth = 1
    for ch in text[start:]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return False
    return True


def _method(src: Source, s: int, e: int) -> tuple[str | None, float]:
    """The HTTP method of the call around the string at ``s``..``e``, and how sure."""
    text = src.text
    prefix = text[max(0, s - 200): s]
    found = None
    for m in _BACK.finditer(prefix):
        if m.group(6) or _still_open(prefix, m.end()):
            found = m
    after = _call_rest(text, e)
    if found is not None and not found.group(5):
        verb = next(g for g in found.groups() if g)
        return verb.upper(), 0.95
    fwd = _FWD.search(after) or _JAVA_FWD.search(after[:200])
    if fwd:
        return fwd.group(1).upper(), 0.9
    if found is not None:  # fetch(url) without a method: GET
        return "GET", 0.95
    assigned = _ASSIGNED.search(text[max(0, s - 80): s].rsplit("\n", 1)[-1])
    if assigned:
        var = re.escape(assigned.group(1))
        use = re.compile(rf"\b(?:(get|post|put|patch|delete)(?:async)?\s*\(\s*{var}\b"
                         rf"|\w*request\s*\(\s*['\"](get|post|put|patch|delete)['\"]\s*,\s*{var}\b"
                         rf"|httpmethod\.(get|post|put|patch|delete)\s*,\s*{var}\b"
                         rf"|net::http::(get|post|put|patch|delete)\.new\(\s*(?:uri\()?{var}\b"
                         rf"|(fetch)\s*\(\s*{var}\b"
                         # the app's own wrapper named for its verb: http_put(url, ...), api.do_post(url)
                         rf"|\b[a-z]\w{{0,30}}?_(get|post|put|patch|delete)\s*\(\s*{var}\b)", re.IGNORECASE)
        # the variable's use in this function only: a same-named one in the next is another call
        nxt = _NEXT_FUNCTION.search(text, e, e + 4000)
        hit = use.search(text, e, nxt.start() if nxt else e + 4000)
        if hit:
            if hit.group(5):
                fwd = _FWD.search(_call_rest(text, hit.end()))
                return (fwd.group(1).upper() if fwd else "GET"), 0.85
            if hit.group(6):  # (a wrapper's name says its verb: less sure than the HTTP call itself)
                return hit.group(6).upper(), 0.75
            return next(g for g in hit.groups() if g).upper(), 0.85
    return None, 0.6


@lru_cache(maxsize=4096)
def resolve(method: str | None, url: str) -> tuple[Endpoint | None, str, str]:
    """The endpoint a URL means with ``method`` (None: GET, or the path's only method); note; method."""
    cat = load_catalog()
    tries = [method] if method else ["GET", "POST", "PUT", "PATCH", "DELETE"]
    for verb in tries:
        found = cat.candidates(verb, url)
        if found:
            note = "" if method else f"method not seen: {verb} assumed"
            if len(found) > 1:
                others = ", ".join(ep.api for ep in found[1:])
                note = "; ".join(n for n in (note, f"could also be {others}") if n)
            return found[0], note, verb
    return None, "", method or "GET"


def _site(src: Source, pos: int, method: str | None, conf: float, url: str) -> CallSite | UnknownCall:
    ep, note, verb = resolve(method, url)
    if ep is None:
        return UnknownCall(src.rel, src.line(pos), src.snippet(pos), verb, url)
    if "could also be" in note:
        conf = min(conf, 0.6)
    return CallSite(src.rel, src.line(pos), src.snippet(pos), ep.api, ep.operation_id, ep.method,
                    ep.path, "http", conf, note)


def http_calls(src: Source, bases: dict[str, str], others: set[str]
               ) -> Iterator[CallSite | UnknownCall | Pending | Constant | Helper]:
    """Raw HTTP calls in ``src``; records the names it assigns Xero bases (or other strings) to.

    A constant (``INVOICES_URL = "https://api.xero.com/api.xro/2.0/Invoices"``) whose call is not
    seen beside it is a ``Constant``: its uses in every file decide its calls, one per verb."""
    text, spans = src.text, src.spans
    words: dict[str, str] | None = None
    for s, e in spans.strings():
        body = _content(text, s, e)
        if _DECORATOR.match(text, text.rfind("\n", 0, s) + 1):
            continue  # @app.route("/api.xro/2.0/Contacts", methods=["POST"]): a route served, no call
        if "{" in body and _WORD_HOLE.search(body):  # f"{BASE}/{CONTACTS}" with CONTACTS = "Contacts"
            words = _words(text) if words is None else words
            body = _WORD_HOLE.sub(_filled(words), body)
        m = _BASE.search(body) if "xro/" in body or "xero.com" in body or "appstore/" in body else None
        if m is not None:
            path = _concatenated(src, e, _clean(body[m.end():]))
            if _generic(path):  # a base alone: its name remembered (the resource a parameter: a helper's)
                var = _ASSIGNED.search(text[max(0, s - 80): s].rsplit("\n", 1)[-1])
                head = ORIGIN + ("/" + m.group(1) if m.group(1) else "")
                if var and all(seg == "{p}" for seg in path.split("/") if seg):
                    bases[normal(var.group(1))] = head
                elif (helper := helper_at(src, s, body[m.end():], _method(src, s, e)[0], head)) is not None:
                    yield helper
                continue
            method, conf = _method(src, s, e)
            if method is None and _said(text, s):
                continue  # logger.info("calling https://api.xero.com/..."), raise Error("GET ... failed")
            head = ORIGIN + ("/" + m.group(1) if m.group(1) else "")
            url = head + "/" + path.lstrip("/")
            if method is None:
                var = _ASSIGNED.search(text[max(0, s - 80): s].rsplit("\n", 1)[-1])
                if var and _CONSTANT.fullmatch(var.group(1)):
                    bases.setdefault(normal(var.group(1)), url)  # f"{INVOICES_URL}/{id}" reads on
                    yield Constant(src.rel, src.line(s), src.snippet(s), normal(var.group(1)), url,
                                   var.group(1))
                    continue
            yield _site(src, s, method, conf, url)
            continue
        lead = _LEAD.match(body)
        name = None
        if lead and body[lead.end(): lead.end() + 1] == "/":
            name, rest = lead.group(1).strip(), body[lead.end():]
        elif body.startswith("/") and len(body) > 1:
            before = _NAME_BEFORE.search(text[max(0, s - 80): s])
            if before and "(" not in before.group(1):
                name, rest = before.group(1), body
        elif "join" in text[max(0, s - 90): s] and _PATHLIKE.fullmatch(body) \
                and (joined := _JOIN_BEFORE.search(text[max(0, s - 120): s])) is not None:
            name, rest = joined.group(1), "/" + body  # os.path.join(BASE_URL, "Currencies"), urljoin(...)
        if name is None:
            if body.startswith(("/", "http")):  # an own backend's base: its name is not Xero's
                var = _ASSIGNED.search(text[max(0, s - 80): s].rsplit("\n", 1)[-1])
                if var:
                    others.add(normal(var.group(1)))
            continue
        path = _concatenated(src, e, _clean(rest))
        if not path.strip("/"):
            continue
        method, conf = _method(src, s, e)
        if _generic(path):  # f"{ACCOUNTING_API_URL}/{path}" in a helper: its callers name the calls
            helper = helper_at(src, s, rest, method, "", normal(name.split(".")[-1]))
            if helper is not None:
                yield helper
                continue
        yield Pending(src.rel, src.line(s), src.snippet(s), normal(name.split(".")[-1]), path, method, conf)


# Calls that say a text rather than send it: logging, printing, an exception's message.
_SAYING = frozenset({"log", "logger", "logging", "console", "print", "printf", "println", "puts", "echo",
                     "debug", "info", "warn", "warning", "error", "critical", "exception", "fatal", "trace",
                     "notice", "alert", "assert", "assertin", "assertequal"})
_CALLEE = re.compile(r"([A-Za-z_$][\w$]*)\s*$")


def _said(text: str, s: int) -> bool:
    """True when the string at ``s`` is an argument of a call that says it (a log line, a printout,
    an exception's message, a format): a message naming a URL is no call of it."""
    depth, i, lo = 0, s - 1, max(0, s - 240)
    while i >= lo:
        ch = text[i]
        if ch in ")]}":
            depth += 1
        elif ch in "([{":
            if depth == 0:
                if ch != "(":
                    return False
                callee = _CALLEE.search(text, max(0, i - 60), i)
                name = callee.group(1).lower() if callee else ""
                statement = text[text.rfind("\n", 0, i) + 1: i].lstrip()
                return (name in _SAYING or name.endswith(("error", "exception"))
                        or statement.startswith(("raise ", "throw ")))
            depth -= 1
        elif ch in ";\n" and depth == 0 and text[max(0, i - 1)] not in ",(+":
            return False
        i -= 1
    return False


def is_api_base(url: str) -> bool:
    """True for a Xero API's base URL alone (``https://api.xero.com/api.xro/2.0``), not a resource's."""
    return _BASE.fullmatch(url.rstrip("/")) is not None


def _generic(path: str) -> bool:
    """True for a path whose resource is a parameter (all placeholders, or one first: a helper's
    ``f"{BASE}/{endpoint}"`` or ``'/{0}/{1}/attachments'``): its callers name the call, not it."""
    segments = [seg for seg in path.split("/") if seg]
    return not segments or segments[0] == "{p}"


def settle(p: Pending, bases: dict[str, str], others: set[str]) -> CallSite | UnknownCall | None:
    """A pending path as a call, once every file's names are known (None: not a Xero call, or a
    path that is all placeholders: a helper's ``f"{BASE}/{endpoint}"``, whose callers name the call)."""
    base = bases.get(p.name)
    if _generic(p.path) and (base is None or is_api_base(base)):
        return None
    conf = p.confidence
    if base is None:
        if p.name in others or "xero" not in p.name:
            return None
        base, conf = "", min(conf, 0.6)  # a Xero-named base defined outside the code (env, config)
    ep, note, verb = resolve(p.method, base + p.path)
    if ep is None:
        return UnknownCall(p.file, p.line, p.snippet, verb, base + p.path) if base else None
    if "could also be" in note or not base:
        conf = min(conf, 0.6)
    return CallSite(p.file, p.line, p.snippet, ep.api, ep.operation_id, ep.method, ep.path, "http", conf,
                    note)

"""Scan a folder, a file or a git repository for Xero calls and requested scopes.

Files are listed first (``git ls-files`` in a repository, so ignored files stay out; a walk
elsewhere), then read one by one: vendored and built trees (``node_modules``, ``vendor``,
``dist``...), lockfiles, minified bundles, binary and very large files are skipped, and a file
in which no Xero marker occurs is not lexed at all, which keeps a scan fast.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from xero_nb.scan.builders import Built, built_calls, servers, settle_built
from xero_nb.scan.helpers import Helper, helper_calls
from xero_nb.scan.lexer import CONFIG
from xero_nb.scan.model import CallSite, ScanResult, UnknownCall
from xero_nb.scan.requested import requested_scopes
from xero_nb.scan.sdk import dynamic_sites, pyxero_calls, sdk_calls
from xero_nb.scan.source import CODE, Source
from xero_nb.scan.urls import (
    Constant,
    Pending,
    Use,
    clean_path,
    function_verbs,
    http_calls,
    is_api_base,
    name_uses,
    resolve,
    settle,
    settle_constant,
)

Progress = Callable[[int, int, str], None]
# Folders of other people's code or of built output, not read (a monorepo's packages/ is read: its
# code is the app's); which ones a scan left out is said (ScanResult.left_out)
SKIP_DIRS = frozenset({"node_modules", "vendor", "dist", "build", "bower_components", "__pycache__",
                       "site-packages", "venv", "env", "bin", "obj", "target", "out", "coverage",
                       "jspm_packages", "Pods", "third_party"})
MAX_LEFT_OUT = 20  # folders named in the result
LOCKFILES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "composer.lock", "Gemfile.lock",
                       "poetry.lock", "Pipfile.lock", "packages.lock.json", "npm-shrinkwrap.json",
                       "Cargo.lock", "uv.lock", "go.sum"})
BUILT = (".min.js", ".bundle.js", "-bundle.js", ".chunk.js", ".min.mjs")
MAX_BYTES = 2_000_000
# A file is lexed only when its lower-cased bytes hold "xero" (SDK imports, clients), "xro"
# (URLs), "ccounting", "ayroll" or "offline_access" (scopes, API classes), or, in a file that
# says "api", another SDK API class or property (AssetApi, files_api...):
_OTHER_APIS = re.compile(rb"(?:asset|project|file|finance|bank_?feed|app_?store|identity)s?_?api")


def suffix_of(name: str) -> str | None:
    """The suffix the scanner reads ``name`` as (``.env.local`` -> ``.env``), or None: not read."""
    if name in LOCKFILES or name.endswith(BUILT):
        return None
    if name.startswith(".env"):
        return ".env"
    suffix = os.path.splitext(name)[1].lower()
    return suffix if suffix in CODE or suffix in CONFIG else None


def _skipped_dir(name: str) -> bool:
    return name in SKIP_DIRS or (name.startswith(".") and name != ".github")


def _walk(root: Path, left_out: list[str] | None = None) -> Iterator[str]:
    stack = [("", str(root))]
    while stack:
        rel, folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            continue
        subdirs = []
        for entry in entries:
            name = rel + entry.name
            try:
                is_dir, is_file = entry.is_dir(follow_symlinks=False), entry.is_file()
            except OSError:  # an entry this user may not look at (/proc/1/cwd): not read, the rest is
                continue
            if is_dir:
                if not _skipped_dir(entry.name):
                    subdirs.append((name + "/", entry.path))
                elif left_out is not None and not entry.name.startswith(".") and len(left_out) < MAX_LEFT_OUT:
                    left_out.append(name + "/")
            elif is_file:
                yield name
        stack.extend(reversed(subdirs))


def _mentions_xero(data: bytes) -> bool:
    """True when the raw bytes hold a marker of Xero use (checked before any decoding or lexing)."""
    low = data.lower()
    return (b"xero" in low or b"xro" in low or b"ccounting" in low or b"ayroll" in low
            or b"offline_access" in low or (b"api" in low and _OTHER_APIS.search(low) is not None))


_FURTHER_LIMIT = 64_000_000  # how far into a big file a Xero marker is looked for


def _mentions_further(path: str) -> bool:
    """True when a file too big to read mentions Xero past its first MAX_BYTES (read in pieces)."""
    try:
        with open(path, "rb") as fh:
            fh.seek(MAX_BYTES - 64)
            tail = b""
            while fh.tell() < _FURTHER_LIMIT:
                piece = fh.read(1_000_000)
                if not piece:
                    return False
                if _mentions_xero(tail + piece):
                    return True
                tail = piece[-64:]
    except OSError:
        return False
    return False


def _git_files(root: Path, left_out: list[str] | None = None) -> list[str] | None:
    try:
        out = subprocess.run(["git", "-C", str(root), "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], capture_output=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    names = [n for n in out.decode("utf-8", "replace").split("\0") if n]
    kept = []
    for n in names:
        parts = Path(n).parts[:-1]
        cut = next((i for i, p in enumerate(parts) if _skipped_dir(p)), None)
        if cut is None:
            kept.append(n)
        elif left_out is not None and not parts[cut].startswith("."):
            folder = "/".join(parts[:cut + 1]) + "/"
            if folder not in left_out and len(left_out) < MAX_LEFT_OUT:
                left_out.append(folder)
    return kept


def list_files(root: Path, left_out: list[str] | None = None) -> list[str]:
    """The files under ``root`` worth reading, relative to it (a file: just itself); the folders
    not read are added to ``left_out``."""
    if root.is_file():
        return [root.name]
    listed = _git_files(root, left_out) if (root / ".git").exists() else None
    if listed is None and left_out is not None:
        left_out.clear()  # (what git listing began to say, if it failed)
    names = listed if listed is not None else list(_walk(root, left_out))
    return [n for n in names if suffix_of(os.path.basename(n)) is not None]


def _is_git_url(text: str) -> bool:
    return text.startswith(("https://", "http://", "git@", "ssh://", "file://")) or (
        text.endswith(".git") and not Path(text).exists())


def _readable(data: bytes) -> bool:
    if b"\0" in data[:8192]:
        return False  # binary
    # a built bundle: a long file of very long lines
    return not (len(data) > 20_000 and data.count(b"\n", 0, 200_000) * 2000 < min(len(data), 200_000))


def scan_source(src: Source, result: ScanResult, bases: dict[str, str], others: set[str],
                pending: list[Pending | Constant | Helper | Built], uses: dict[str, list[Use]],
                servers_of: dict[str, str]) -> None:
    """Add one lexed file's calls, unknown Xero URLs and requested scopes to ``result``; what only
    the whole tree settles goes to ``pending`` (paths on a base named elsewhere, URL constants),
    and where this file calls a verb with a constant goes to ``uses``."""
    result.scopes.extend(requested_scopes(src))
    if src.is_config:
        return
    result.calls.extend(sdk_calls(src))
    result.calls.extend(pyxero_calls(src))
    result.dynamic.extend(dynamic_sites(src))
    servers_of.update(servers(src))
    pending.extend(built_calls(src))
    for name, found_uses in name_uses(src).items():
        uses.setdefault(name, []).extend(found_uses)
    for found in http_calls(src, bases, others):
        if isinstance(found, (Pending, Constant, Helper)):
            pending.append(found)
        elif isinstance(found, UnknownCall):
            result.unknown.append(found)
        else:
            result.calls.append(found)


def _sources_holding(base_dir: str, names: list[str], marks: list[bytes]) -> Iterator[Source]:
    """Each code file among ``names`` whose bytes hold one of ``marks``, lexed (a second look at
    the tree, for what only the whole of it settles: a constant's uses, a wrapper's verb, a helper's
    callers)."""
    for name in names:
        suffix = suffix_of(os.path.basename(name))
        if suffix not in CODE:
            continue
        try:
            with open(base_dir + name, "rb") as fh:
                data = fh.read(MAX_BYTES)
        except OSError:
            continue
        if any(m in data for m in marks):
            yield Source.of(Path(name).as_posix(), suffix or "", data.decode("utf-8", "replace"))


def _uses_elsewhere(base_dir: str, names: list[str], spelled: set[str], uses: dict[str, list[Use]]) -> None:
    """Add to ``uses`` where the files that mention no Xero marker (``from .constants import
    POST_INVOICE``) call a verb with one of these constants: only files holding a name are lexed."""
    for src in _sources_holding(base_dir, names, [n.encode() for n in spelled]):
        for key, found in name_uses(src).items():
            uses.setdefault(key, []).extend(found)


def _verbs_elsewhere(base_dir: str, names: list[str], wanted: set[str], verbs: dict[str, set[str]]) -> None:
    """Add to ``verbs`` the verbs these functions send, from the files that define them."""
    marks = [kw + w.encode() for w in wanted for kw in (b"def ", b"function ")]
    for src in _sources_holding(base_dir, names, marks):
        for func, sent in function_verbs(src).items():
            if func in wanted:
                verbs.setdefault(func, set()).update(sent)


def _resolved(method: str | None, url: str) -> tuple[Any, str]:
    """The endpoint a URL written with placeholders means (``{id}``, ``${x}`` as path parameters)."""
    ep, note, _ = resolve(method, clean_path(url))
    return ep, note


def _helper_calls(base_dir: str, names: list[str], helpers: list[Helper], bases: dict[str, str]
                  ) -> list[CallSite]:
    """The calls of the app's own Xero helpers, in every code file that names one."""
    known = [dataclasses.replace(h, base=h.base or bases.get(h.base_name, "")) for h in helpers]
    known = [h for h in known if h.base]
    found: list[CallSite] = []
    for src in _sources_holding(base_dir, names, [h.name.encode() for h in known]):
        found += helper_calls(src, known, _resolved)
    return found


def scan_tree(path: str | os.PathLike[str], progress: Progress | None = None,
              exclude: Iterable[str] = ()) -> ScanResult:
    """Every Xero call and requested scope under ``path`` (a folder, a file or a git URL).

    ``progress(done, total, file)`` is called after each file, for UIs. ``exclude``: glob patterns
    of relative paths to leave out (``tests/*``, ``*_mock.py``: test doubles are no calls); what
    each left out is named in ``ScanResult.left_out``.
    """
    patterns = tuple(exclude)
    text = os.fspath(path)
    if _is_git_url(text):
        tmp = tempfile.mkdtemp(prefix="xero-nb-scan-")
        try:
            subprocess.run(["git", "clone", "--quiet", "--depth", "1", text, tmp], check=True,
                           capture_output=True, timeout=600)
            found = scan_tree(tmp, progress, patterns)
            found.root = text
            return found
        except subprocess.CalledProcessError as exc:
            raise FileNotFoundError(f"cannot clone {text}: {exc.stderr.decode(errors='replace').strip()}"
                                    ) from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    root = Path(text)
    if not root.exists():
        raise FileNotFoundError(f"no such file or folder: {text}")
    left_out: list[str] = []
    names = list_files(root, left_out)
    for pattern in patterns:  # (a folder pattern "tests/" means everything under it)
        folder = pattern.endswith("/") or (not any(c in pattern for c in "*?[/") and any(
            pattern in Path(n).parts[:-1] for n in names))  # a bare folder name: "tests"
        glob = pattern.rstrip("/") + "/*" if folder else pattern
        hit = [n for n in names if fnmatch.fnmatch(n, glob) or fnmatch.fnmatch(n, glob.lstrip("./"))
               or (folder and "/" not in pattern.rstrip("/") and fnmatch.fnmatch(n, "*/" + glob))]
        if hit:
            names = [n for n in names if n not in set(hit)]
        left_out.append(f"{pattern} (--exclude: {len(hit)} file(s))")
    base_dir = str(root.parent if root.is_file() else root) + os.sep
    result = ScanResult(root=text, left_out=left_out)
    bases: dict[str, str] = {}
    others: set[str] = set()
    pending: list[Pending | Constant | Helper | Built] = []
    servers_of: dict[str, str] = {}  # a generated SDK's server names -> Xero base URLs
    verbs: dict[str, set[str]] = {}  # function name -> the HTTP verbs its body sends
    uses: dict[str, list[Use]] = {}
    unlexed: list[str] = []
    for done, name in enumerate(names, 1):
        try:
            with open(base_dir + name, "rb") as fh:
                data = fh.read(MAX_BYTES + 1)
        except OSError:
            result.skipped += 1
            continue
        if data.startswith((b"\xff\xfe", b"\xfe\xff")) and len(data) <= MAX_BYTES:
            # UTF-16 with its mark (Windows editors, PowerShell's ">"): its text, as UTF-8, is read
            data = data.decode("utf-16", "replace").encode("utf-8")
        if len(data) > MAX_BYTES or not _readable(data):
            result.skipped += 1
            big = len(data) > MAX_BYTES
            mentions = _mentions_xero(data[:MAX_BYTES]) or (big and _mentions_further(base_dir + name))
            if mentions and len(result.left_out) < 2 * MAX_LEFT_OUT:
                # a file that mentions Xero yet is not read: named, so a call in it is not silently lost
                why = f"over {MAX_BYTES // 1_000_000} MB" if big else "binary or a built bundle"
                result.left_out.append(f"{name} ({why})")
        else:
            result.files += 1
            result.bytes += len(data)
            if _mentions_xero(data):
                suffix = suffix_of(os.path.basename(name)) or ""
                src = Source.of(Path(name).as_posix(), suffix, data.decode("utf-8", "replace"))
                scan_source(src, result, bases, others, pending, uses, servers_of)
            elif suffix_of(os.path.basename(name)) in CODE:
                unlexed.append(name)  # may call a Xero URL constant defined elsewhere (read again if so)
        if progress is not None:
            progress(done, len(names), name)
    constants = [p for p in pending if isinstance(p, Constant)]
    helpers = []
    for i, p in enumerate(pending):
        full = bases.get(p.base_name, "") if isinstance(p, Helper) else ""
        if isinstance(p, Helper) and full and not is_api_base(full):
            # f"{INVOICES_URL}/{id}": a constant's longer path (an id), not a helper's resource
            pending[i] = Pending(p.file, p.line, p.snippet, p.base_name, "/{p}", p.method,
                                 0.85 if p.method else 0.6)
        elif isinstance(p, Helper):
            helpers.append(p)
    extended: set[str] = set()  # constants a longer path was built on (f"{INVOICES_URL}/{id}")
    for p in pending:
        if isinstance(p, Built):
            built = settle_built(p, servers_of)
            if isinstance(built, CallSite):
                result.calls.append(built)
            elif built is not None:
                result.unknown.append(built)
            continue
        if isinstance(p, (Constant, Helper)):
            continue
        settled = settle(p, bases, others)
        if settled is not None:
            extended.add(p.name)
        if isinstance(settled, CallSite):
            result.calls.append(settled)
        elif settled is not None:
            result.unknown.append(settled)
    if unlexed and any(c.name not in uses for c in constants):
        _uses_elsewhere(base_dir, unlexed, {c.spelled for c in constants if c.name not in uses}, uses)
    wrappers = {u.method[1:] for c in constants for u in uses.get(c.name, ()) if u.method.startswith("?")}
    if wrappers:  # the verbs of the wrappers a constant is given to, read where they are defined
        _verbs_elsewhere(base_dir, names, wrappers, verbs)
    for c in constants:
        for site in settle_constant(c, uses, extended=c.name in extended, verbs=verbs):
            if isinstance(site, CallSite):
                result.calls.append(site)
            else:
                result.unknown.append(site)
    if helpers:  # the app's own helpers around Xero: their callers name the calls
        result.calls.extend(_helper_calls(base_dir, names, helpers, bases))
    result.calls.sort(key=lambda c: (c.file, c.line))
    result.unknown.sort(key=lambda c: (c.file, c.line))
    return result

"""Nothing secret survives a save: a Jupyter server pre-save hook over outputs and widget state.

Whatever JupyterLab keeps in memory, the notebook written to disk has every token-shaped string
(bearer tokens, JWTs, refresh tokens, client secrets, authorization codes, ``code=``/``state=``
in redirect URLs, a bare 64-hex value such as a refresh token shown on its own) replaced by ``[redacted]`` in:

- code cell outputs: stream text, every text-like MIME bundle (``text/plain``, ``text/html``,
  ``application/json`` and other JSON types, recursively), error values and tracebacks;
- the saved widget state (``metadata.widgets["application/vnd.jupyter.widget-state+json"]``):
  every string in each model's ``state``, recursively (a Text's or Textarea's ``value``, an
  HTML's ``value``...). Binary buffers and images are left as they are. What a person types
  (a Text's, Textarea's or Combobox's ``value``) is masked more widely: any bare word shaped like
  a token or secret (a client secret pasted among the scopes has nothing else to know it by); a
  Password's ``value`` goes whatever it is.

Cell sources are the user's code and stay untouched. The hook only replaces characters inside
strings, so the notebook's JSON keeps its shape. When it removed something, it says so: a warning
on the server's log (how many, and where: never the value) and a ``metadata.xero_nb.scrubbed``
note in the saved notebook. If the check itself fails, the save is refused (HTTP 500) rather than
written unchecked.

Two ways to turn it on (``make setup`` writes the first into the venv's Jupyter config):

- as a server extension, which adds the hook beside any ``pre_save_hook`` already configured::

    {"ServerApp": {"jpserver_extensions": {"xero_nb.widgets.presave": true}}}

- as the contents manager's single hook::

    c.ContentsManager.pre_save_hook = "xero_nb.widgets.presave.scrub_notebook"

This module imports nothing from Jupyter (tornado only when a save has to be refused).
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from typing import Any

from xero_nb.redact import REDACTED, SECRET_NAMES, redact, said_safely

WIDGET_STATE = "application/vnd.jupyter.widget-state+json"
METADATA_KEY = "xero_nb"
EXTENSION = "xero_nb.widgets.presave"
_LOG = logging.getLogger(__name__)
# OAuth's state in a redirect URL (redact() takes the code; the state goes with it here).
_STATE_PARAM = re.compile(r"([?&#;]state=)(?!\[redacted\])[^&#\s\"'<>\\]+")
# Base64 pictures are not text: a pattern could match inside one and break the image.
_BINARY_PREFIXES = ("image/", "audio/", "video/", "application/pdf")
# JSON keys whose string value is a credential whatever it looks like ("Code" is an account code).
_SECRET_KEYS = SECRET_NAMES - {"code"}
# Widgets a person types into. What they hold is masked more widely than other text: any word shaped
# like a credential (a client secret pasted bare among the scopes has no key or prefix to know it by).
_TYPED_MODELS = frozenset({"TextModel", "TextareaModel", "ComboboxModel"})
# A password box's value is a secret whatever it looks like.
_PASSWORD_MODELS = frozenset({"PasswordModel"})



def scrub_text(text: str) -> tuple[str, int]:
    """``text`` with its secrets replaced, and how many values went (0: ``text`` unchanged)."""
    cleaned = _STATE_PARAM.sub(r"\1" + REDACTED, redact(text))  # (redact masks bare 64-hex values too)
    if cleaned == text:
        return text, 0
    return cleaned, max(cleaned.count(REDACTED) - text.count(REDACTED), 1)


class _Scrub:
    """One pass over a notebook's content: the cleaning and the tally of what went where."""

    def __init__(self) -> None:
        self.removed: Counter[str] = Counter()

    def string(self, value: str, place: str) -> str:
        cleaned, n = scrub_text(value)
        if n:
            self.removed[place] += n
        return cleaned

    def typed(self, value: str, place: str) -> str:
        """What a person typed into a text box: the shapes ``redact`` knows, and any bare word shaped
        like a token or secret (long, letters and digits, no dot: never a scope name or a GUID)."""
        cleaned = self.string(value, place)
        masked = said_safely(cleaned)
        if masked != cleaned:
            self.removed[place] += max(masked.count(REDACTED) - cleaned.count(REDACTED), 1)
        return masked

    def secret(self, value: Any, place: str) -> Any:
        """The value of a credential key ({"refresh_token": ...}): any non-empty string goes."""
        if isinstance(value, str) and value and value != REDACTED:
            self.removed[place] += 1
            return REDACTED
        return self.json(value, place)

    def multiline(self, value: Any, place: str) -> Any:
        """nbformat's multiline string: a str, or a list of lines to be joined."""
        if isinstance(value, str):
            return self.string(value, place)
        if isinstance(value, list) and all(isinstance(line, str) for line in value):
            joined = "".join(value)
            cleaned = self.string(joined, place)
            return value if cleaned == joined else cleaned.splitlines(keepends=True)
        return value

    def json(self, value: Any, place: str) -> Any:
        """Every string in a JSON value (keys stay: they are the structure)."""
        if isinstance(value, str):
            return self.string(value, place)
        if isinstance(value, dict):
            return {k: self.secret(v, place) if str(k).lower() in _SECRET_KEYS else self.json(v, place)
                    for k, v in value.items()}
        if isinstance(value, list):
            return [self.json(v, place) for v in value]
        return value

    def bundle(self, data: dict[str, Any]) -> None:
        for mime, value in list(data.items()):
            if mime.startswith(_BINARY_PREFIXES) and mime != "image/svg+xml":
                continue
            place = f"output {mime}"
            data[mime] = self.json(value, place) if mime.endswith("json") else self.multiline(value, place)

    def output(self, out: dict[str, Any]) -> None:
        kind = out.get("output_type")
        if kind == "stream":
            out["text"] = self.multiline(out.get("text", ""), f"output {out.get('name', 'stream')}")
        elif kind in ("execute_result", "display_data", "update_display_data"):
            if isinstance(out.get("data"), dict):
                self.bundle(out["data"])
        elif kind == "error":
            if isinstance(out.get("evalue"), str):
                out["evalue"] = self.string(out["evalue"], "output error")
            if isinstance(out.get("traceback"), list):  # one string per frame, not per line
                out["traceback"] = [self.string(frame, "output traceback") if isinstance(frame, str)
                                    else frame for frame in out["traceback"]]

    def widgets(self, metadata: dict[str, Any]) -> None:
        saved = metadata.get("widgets")
        saved = saved.get(WIDGET_STATE) if isinstance(saved, dict) else None
        models = saved.get("state") if isinstance(saved, dict) else None
        if not isinstance(models, dict):
            return
        for model in models.values():
            if not isinstance(model, dict) or not isinstance(model.get("state"), dict):
                continue
            model_name = str(model.get("model_name", "widget"))
            name = model_name.removesuffix("Model")
            state = model["state"]
            for key, value in list(state.items()):
                place = f"widget {name}.{key}"
                if key == "value" and isinstance(value, str) and model_name in _PASSWORD_MODELS:
                    state[key] = self.secret(value, place)
                elif key == "value" and isinstance(value, str) and model_name in _TYPED_MODELS:
                    state[key] = self.typed(value, place)
                else:
                    state[key] = self.json(value, place)

    def notebook(self, nb: dict[str, Any]) -> None:
        for cell in nb.get("cells") or ():
            if isinstance(cell, dict) and cell.get("cell_type") == "code":
                for out in cell.get("outputs") or ():
                    if isinstance(out, dict):
                        self.output(out)
        if isinstance(nb.get("metadata"), dict):
            self.widgets(nb["metadata"])


def scrub(nb: Any) -> dict[str, int]:
    """Remove secrets from a notebook's outputs and widget state (a dict, as JSON gives it), in place.

    Returns how many values went, per place (``{"output stream": 1, "widget Textarea.value": 1}``);
    empty when nothing was found. When something went, ``metadata.xero_nb.scrubbed`` says so.
    """
    if not isinstance(nb, dict):
        return {}
    tally = _Scrub()
    tally.notebook(nb)
    removed = dict(sorted(tally.removed.items()))
    if removed and isinstance(nb.get("metadata"), dict):
        note = nb["metadata"].setdefault(METADATA_KEY, {})
        if isinstance(note, dict):
            note["scrubbed"] = {
                "removed": sum(removed.values()),
                "where": removed,
                "note": f"secret-looking values in outputs and widget state were replaced by "
                        f"{REDACTED} when this notebook was saved (xero-nb pre-save hook)",
            }
    return removed


def describe(removed: dict[str, int]) -> str:
    """``'output stdout: 1, widget Text.value: 2'``: counts and places, never a value."""
    return ", ".join(f"{place}: {n}" for place, n in removed.items())


def scrub_notebook(model: dict[str, Any], path: str = "", contents_manager: Any = None,
                   **kwargs: Any) -> None:
    """Jupyter's pre-save hook: ``hook(model=..., path=..., contents_manager=...)``.

    Cleans ``model["content"]`` in place for notebooks (other files pass untouched) and warns
    on the contents manager's log. A failure refuses the save instead of writing secrets.
    """
    if not isinstance(model, dict) or model.get("type") != "notebook":
        return
    log = getattr(contents_manager, "log", None) or _LOG
    try:
        removed = scrub(model.get("content"))
    except Exception as exc:  # a bug here must not let the secrets through
        log.error("xero-nb could not check %s for secrets", path, exc_info=True)
        from tornado.web import HTTPError

        raise HTTPError(500, reason="xero-nb could not check this notebook for secrets, so it was "
                                    "not saved; clear the outputs and save again") from exc
    if removed:
        log.warning("xero-nb removed %s secret-looking value(s) from %s before saving (%s)",
                    sum(removed.values()), path or "the notebook", describe(removed))


def _jupyter_server_extension_points() -> list[dict[str, str]]:
    return [{"module": EXTENSION}]


def _load_jupyter_server_extension(serverapp: Any) -> None:
    """Add the hook to the server's contents manager, beside any hook configured already."""
    manager = serverapp.contents_manager
    if manager.pre_save_hook is scrub_notebook or scrub_notebook in getattr(manager, "_pre_save_hooks", ()):
        return
    if hasattr(manager, "register_pre_save_hook"):
        manager.register_pre_save_hook(scrub_notebook)
    elif manager.pre_save_hook is None:
        manager.pre_save_hook = scrub_notebook
    else:  # an old contents manager with its own single hook: say so rather than replace it
        serverapp.log.warning("xero-nb: a pre_save_hook is already set; secrets are not scrubbed")
        return
    serverapp.log.info("xero-nb: secrets are removed from notebook outputs and widget state on save")

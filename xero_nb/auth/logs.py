"""Log records without secrets: a filter that passes every record of the HTTP, OAuth and xero-nb
loggers through ``redact`` (httpx2's request line shows a URL's ``?access_token=``).

A logger's filters do not see its children's records, so each logger gets the filter itself:
the known children now (created if their module is not imported yet), and every existing logger
under those names at each ``install_log_redaction()``. XeroAuth installs it when made, and the
first Token of a kernel (the client's too) does.

>>> install_log_redaction() is install_log_redaction()
True
"""

from __future__ import annotations

import logging

from xero_nb.redact import redact

LOGGERS = ("httpx2", "httpx", "httpcore2", "httpcore", "authlib", "xero_nb")
_CHILD_LOGGERS = tuple(f"{lib}.{part}" for lib in ("httpcore2", "httpcore")
                       for part in ("connection", "http11", "http2", "proxy", "socks"))


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (and traceback) through ``redact`` before any handler sees it."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Redact the record in place; never drops it."""
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to logging to report
            return True
        clean = redact(message)
        if clean != message:
            record.msg, record.args = clean, ()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()
_installed = False


def install_log_redaction(*, rescan: bool = True) -> RedactingFilter:
    """Put the redacting filter on the HTTP, OAuth and xero-nb loggers (idempotent).

    ``rescan`` also covers loggers created since the last call; without it, a call after the
    first does nothing (cheap enough for every Token).
    """
    global _installed
    if _installed and not rescan:
        return _FILTER
    _installed = True
    names = set(LOGGERS) | set(_CHILD_LOGGERS)
    names |= {name for name in list(logging.Logger.manager.loggerDict)
              if name.split(".", 1)[0] in LOGGERS}
    for name in sorted(names):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    return _FILTER

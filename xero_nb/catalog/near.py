"""What to say of a scope name Xero does not know: the known scope it is closest to, and any
character in it that only looks like a letter (a scope copied from a web page can carry a
Cyrillic letter or a zero-width space, and then reads exactly like the real one).

>>> near_miss("accounting.invoice.read")
'did you mean accounting.invoices.read?'
>>> print(near_miss("accounting.contacts\\u200b"))  # doctest: +NORMALIZE_WHITESPACE
did you mean accounting.contacts? it contains an invisible non-ASCII character
(U+200B ZERO WIDTH SPACE) at position 20
"""

from __future__ import annotations

from xero_nb.catalog.scopes import not_a_scope, suggest
from xero_nb.errors import non_ascii


def near_miss(name: str, quote: str = "") -> str:
    """"did you mean X?" (X between ``quote``s), and where ``name`` holds a non-ASCII
    character; "" when neither."""
    near = suggest(name)
    parts = [f"did you mean {quote}{near}{quote}?"] if near and near != name else []
    if not parts and (why := not_a_scope(name)):
        parts.append(why)
    odd = non_ascii(name, "it")
    if odd:
        parts.append(odd)
    return " ".join(parts)

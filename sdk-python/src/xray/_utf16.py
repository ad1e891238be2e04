"""String lengths and cuts in UTF-16 code units, as JavaScript's ``.length`` and ``.slice`` count them.

The TypeScript SDK measures and cuts payload JSON in UTF-16 units; a character beyond U+FFFF (an
emoji) is two units there and one ``str`` character here, so budgets and previews are computed here
in UTF-16 units to come out identical.
"""

from __future__ import annotations


def utf16_len(text: str) -> int:
    """``text.length`` in JavaScript: characters beyond U+FFFF count twice."""
    if text.isascii():  # O(1) in CPython
        return len(text)
    return len(text.encode("utf-16-le", "surrogatepass")) >> 1


def utf16_units(text: str, n: int) -> bytes:
    """The first ``n`` UTF-16 units of ``text`` (fewer when it is shorter) as UTF-16-LE bytes."""
    return text[:n].encode("utf-16-le", "surrogatepass")[: 2 * n]


def from_units(units: bytes) -> str:
    return units.decode("utf-16-le", "surrogatepass")


def utf16_slice(text: str, n: int) -> str:
    """``text.slice(0, n)`` in JavaScript (may end on a lone high surrogate, as there)."""
    if text.isascii():
        return text[:n]
    return from_units(utf16_units(text, n))

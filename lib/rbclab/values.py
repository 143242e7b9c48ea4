"""Cell values: partial dates and list cells, parsed the same way everywhere.

This is the lowest layer: the reader, the checks and the typed loaders all use it, and it
imports nothing of rbclab.

>>> partial_date("2013-11")
(datetime.date(2013, 11, 1), datetime.date(2013, 11, 30), 'month')
>>> partial_date("2013-02-30") is None
True
>>> split_list("NGO; Trade union")
['NGO', 'Trade union']
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import lru_cache

#: A partial ISO 8601 date: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
PARTIAL_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")
#: Precisions of a partial date, finest first.
PRECISIONS: tuple[str, ...] = ("day", "month", "year")
#: Separator of list cells unless a field names its own (``rbclab:listSeparator``).
LIST_SEPARATOR = ";"


def split_list(value: str, sep: str | None = LIST_SEPARATOR) -> list[str]:
    """Items of a list cell, stripped; an empty cell has none.

    Parameters
    ----------
    value : str
        The cell as stored.
    sep : str, optional
        The separator (default ``;``). ``None`` also means ``;``: a list cell is never split
        on whitespace, so ``"Trade union"`` stays one item.

    Returns
    -------
    list of str
    """
    if not value:
        return []
    return [item.strip() for item in value.split(sep or LIST_SEPARATOR)]


@lru_cache(maxsize=65536)
def partial_date(value: str) -> tuple[_dt.date, _dt.date, str] | None:
    """Parse a partial ISO date into its first day, last day and precision.

    Parameters
    ----------
    value : str
        ``"2013"``, ``"2013-11"`` or ``"2013-11-04"``.

    Returns
    -------
    tuple of (datetime.date, datetime.date, str) or None
        ``(first, last, precision)`` with precision ``day``, ``month`` or ``year``; ``None``
        when the text is not a real calendar date at one of those precisions.
    """
    m = PARTIAL_DATE.match(value)
    if not m:
        return None
    y, mo, d = m.groups()
    try:
        if d is not None:
            day = _dt.date(int(y), int(mo), int(d))
            return day, day, "day"
        if mo is not None:
            first = _dt.date(int(y), int(mo), 1)
            nxt = _dt.date(int(y) + (int(mo) == 12), int(mo) % 12 + 1, 1)
            return first, nxt - _dt.timedelta(days=1), "month"
        return _dt.date(int(y), 1, 1), _dt.date(int(y), 12, 31), "year"
    except ValueError:
        return None

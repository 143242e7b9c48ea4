"""The notebook collection: finding its notebooks and reading their title and summary.

A notebook of the collection is ``NN_name.ipynb`` in a folder (``notebooks/`` of a checkout,
by default under the current folder: the collection lives beside the data, not inside the
installed package).  Its title and one-line summary are in its metadata, under ``rbclab``::

    {"rbclab": {"title": "...", "summary": "..."}}

so the report and the dashboard never guess them from the Markdown.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

#: Notebooks that make up the collection (and the report), in name order.
NOTEBOOK_PATTERN = "[0-9][0-9]_*.ipynb"


def notebooks_folder(folder: str | Path | None = None) -> Path:
    """``folder``, or ``notebooks/`` under the current folder."""
    return Path(folder) if folder is not None else Path.cwd() / "notebooks"


def discover_notebooks(folder: str | Path | None = None) -> list[Path]:
    """The collection's notebooks (:data:`NOTEBOOK_PATTERN`) in ``folder``, in name order.

    Parameters
    ----------
    folder : str or Path, optional
        Where the notebooks are; default ``notebooks/`` under the current folder.

    Returns
    -------
    list of Path
    """
    return sorted(notebooks_folder(folder).glob(NOTEBOOK_PATTERN))


def describe_notebook(nb: Any) -> tuple[str, str]:
    """(title, one-line summary) of a notebook, from its ``rbclab`` metadata.

    ``nb`` is a notebook node, a dict, or a path to an ``.ipynb`` file.  Missing entries are
    empty strings.
    """
    if isinstance(nb, str | Path):
        nb = json.loads(Path(nb).read_text(encoding="utf-8"))
    meta = (nb.get("metadata") or {}).get("rbclab") or {}
    return str(meta.get("title", "")), str(meta.get("summary", ""))

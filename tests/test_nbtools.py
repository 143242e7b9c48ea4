"""Committed notebooks are tidy: checked outputs kept, no charts, widgets or widget state, under 300 KB."""

from pathlib import Path

import nbformat
import pytest

from rbclab import nbtools

NOTEBOOKS = sorted((Path(__file__).resolve().parents[1] / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def _nb():
    nb = nbformat.v4.new_notebook()
    nb.metadata["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {"x": 1}}}
    checked = nbformat.v4.new_code_cell("# NBVAL_CHECK_OUTPUT\nprint(1)", execution_count=3)
    checked.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    chart = nbformat.v4.new_code_cell("chart", execution_count=4)
    chart.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={"text/html": "<div>chart</div>", "application/vnd.jupyter.widget-view+json": {"model_id": "m"}},
        ),
        nbformat.v4.new_output("stream", name="stdout", text="note\n"),
        nbformat.v4.new_output("stream", name="stdout", text="x" * (nbtools.MAX_STREAM + 1)),
    ]
    nb.cells = [nbformat.v4.new_markdown_cell("# T"), checked, chart]
    return nb


def test_clean_keeps_checked_and_small_text_only():
    nb = nbtools.clean(_nb())
    assert "widgets" not in nb.metadata
    checked, chart = nb.cells[1], nb.cells[2]
    assert [o["text"] for o in checked.outputs] == ["1\n"]
    assert [o["text"] for o in chart.outputs] == ["note\n"]
    assert checked.execution_count == 3  # nbval needs it to compare the output
    assert nbtools.problems(nb, 1000) == []


def test_problems_name_what_is_wrong():
    found = nbtools.problems(_nb(), nbtools.MAX_BYTES + 1)
    assert any("bytes" in p for p in found) and "stores widget state" in found
    assert any("chart or widget output" in p for p in found)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_notebook_is_tidy(path):
    nb = nbformat.read(path, as_version=4)
    assert nbtools.problems(nb, path.stat().st_size) == []
    titles = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown" and c.source.startswith("# ")]
    assert len(titles) == 1
    text = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for heading in ("## Overview", "## Prerequisites", "## Summary", "## What next"):
        assert heading in text, heading
    assert any("NBVAL_CHECK_OUTPUT" in c.source for c in nb.cells if c.cell_type == "code")


def test_collection_has_six_notebooks():
    assert [p.name[:2] for p in NOTEBOOKS] == ["00", "01", "02", "03", "04", "05"]

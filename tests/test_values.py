import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from rbclab.values import partial_date, split_list


def test_partial_dates_at_three_precisions():
    assert partial_date("2013") == (dt.date(2013, 1, 1), dt.date(2013, 12, 31), "year")
    assert partial_date("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29), "month")
    assert partial_date("2025-12") == (dt.date(2025, 12, 1), dt.date(2025, 12, 31), "month")
    assert partial_date("2013-11-04") == (dt.date(2013, 11, 4),) * 2 + ("day",)


def test_not_dates():
    for bad in ("2013-13", "2013-02-30", "13-01-2013", "2013/01/02", "", "2013-1-2", " 2013"):
        assert partial_date(bad) is None, bad


def test_list_cells_never_split_on_whitespace():
    assert split_list("Trade union") == ["Trade union"]
    assert split_list("NGO; Trade union ;Individual") == ["NGO", "Trade union", "Individual"]
    assert split_list("a|b", "|") == ["a", "b"]
    assert split_list("Trade union", None) == ["Trade union"]
    assert split_list("") == []


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_every_real_day_parses_to_itself(day):
    assert partial_date(day.isoformat()) == (day, day, "day")


@given(st.text(max_size=12))
def test_partial_date_never_raises(text):
    result = partial_date(text)
    assert result is None or result[0] <= result[1]

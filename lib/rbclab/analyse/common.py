"""Labels, categories and small helpers that every analysis module shares, defined once."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..taxonomy import ACCEPTED_OUTCOMES

#: Indicative timeframes of the Procedural Guidance, in calendar months from receipt.
INITIAL_ASSESSMENT_MONTHS = 3
CONCLUSION_MONTHS = 12


#: How long after the decision on the final statement the Swedish NCP said it would follow up.
FOLLOW_UP_YEARS = 1

#: Labels of the surveillance / ICT flag in groupings and comparisons.
SURVEILLANCE_LABEL = "surveillance / ICT"
OTHER_LABEL = "other cases"

#: Groupings :func:`case_groups` understands, with the column each comes from.
GROUPINGS = {
    "lead NCP": "lead_ncp",
    "year submitted": "date_submitted",
    "theme": "themes",
    "sector": "sector",
    "complainant type": "complainant_type",
    "surveillance / ICT": "surveillance_ict",
}


#: Periods of submission used by :func:`coverage` (the Guidelines were revised in 2000, 2011 and 2023).
PERIODS = ((2000, 2005), (2006, 2010), (2011, 2015), (2016, 2020), (2021, 2026))


#: The SOMO / Justice for Iran paper, as cited in ``source_ids``.
PAPER_SOURCE = "seed-somo-jfi-caught-on-camera"

#: Uses of surveillance in an incident, read from ``incidents.purpose`` (first rule that matches).
USES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("enforcing hijab rules", ("hijab",)),
    ("identifying protesters", ("protester", "student")),
    ("targeting activists and dissidents", ("activist", "dissident", "opponent", "journalist")),
    ("profiling an ethnic group", ("uyghur", "turkic")),
)


#: The six steps of due diligence under the OECD Guidelines, as the SOMO / Justice for Iran
#: paper lists them (source ``seed-somo-jfi-caught-on-camera``).
DUE_DILIGENCE_STEPS: tuple[str, ...] = (
    "Embed responsible business conduct into policies and management systems",
    "Identify actual or potential adverse impacts",
    "Cease, prevent or mitigate adverse impacts",
    "Track implementation and results",
    "Communicate how impacts are addressed",
    "Provide for or cooperate in remediation when appropriate",
)


#: z of a two-sided 95% interval.
Z95 = 1.959963984540054
#: Groups with fewer cases than this are drawn, but marked as too small to read.
SMALL_N = 10


def wilson_interval(k, n, z: float = Z95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson score interval of a proportion ``k / n`` (95% by default), elementwise.

    Parameters
    ----------
    k, n : int or array-like
        Successes and trials; where ``n`` is 0 both ends are NaN.
    z : float
        The normal quantile of the interval (1.96 for 95%).

    Returns
    -------
    (low, high) : tuple of numpy arrays

    Examples
    --------
    >>> low, high = wilson_interval(116, 219)
    >>> round(float(low), 4), round(float(high), 4)
    (0.4636, 0.5947)
    >>> [float(x) for x in wilson_interval(0, 5)[1].round(4).ravel()]
    [0.4345]
    >>> [float(x) for x in (*wilson_interval(0, 69), *wilson_interval(69, 69))]  # exact at the ends
    [0.0, 0.05273..., 0.9472..., 1.0]
    """
    k = np.asarray(k, dtype=float)
    n = np.asarray(n, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        p = k / n
        denom = 1 + z**2 / n
        centre = (p + z**2 / (2 * n)) / denom
        half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / denom
        low, high = np.clip(centre - half, 0, 1), np.clip(centre + half, 0, 1)
    # the ends are exact at 0 and n (rounding can leave centre - half a hair above 0)
    low, high = np.where(k == 0, 0.0, low), np.where(k == n, 1.0, high)
    low = np.where(n > 0, low, np.nan)
    high = np.where(n > 0, high, np.nan)
    return low, high


def with_interval(frame: pd.DataFrame, k: str, n: str, rate: str) -> pd.DataFrame:
    """``frame`` with ``rate`` = k / n, ``n``, ``ci_low``, ``ci_high`` (Wilson, 95%) and ``small``."""
    out = frame.copy()
    kk = out[k].astype("float64").to_numpy()
    nn = out[n].astype("float64").to_numpy()
    low, high = wilson_interval(kk, nn)
    out[rate] = pd.array(np.where(nn > 0, kk / np.where(nn > 0, nn, 1), np.nan), dtype="Float64")
    out[rate] = out[rate].where(nn > 0)
    if n != "n":
        out["n"] = out[n].astype("Int64")
    out["ci_low"] = pd.array(low, dtype="Float64")
    out["ci_high"] = pd.array(high, dtype="Float64")
    out["small"] = (out["n"] < SMALL_N).astype("boolean")
    return out


__all__ = [
    "ACCEPTED_OUTCOMES",
    "CONCLUSION_MONTHS",
    "DUE_DILIGENCE_STEPS",
    "FOLLOW_UP_YEARS",
    "GROUPINGS",
    "INITIAL_ASSESSMENT_MONTHS",
    "OTHER_LABEL",
    "PAPER_SOURCE",
    "PERIODS",
    "SMALL_N",
    "SURVEILLANCE_LABEL",
    "USES",
    "Z95",
    "explode_list",
    "wilson_interval",
    "with_interval",
]


def explode_list(frame: pd.DataFrame, column: str, sep: str = ";") -> pd.DataFrame:
    """One row per item of a ';'-separated column (items stripped; empty cells dropped).

    Parameters
    ----------
    frame : DataFrame
        Any frame.
    column : str
        A list column (``;``-separated cells).
    sep : str, default ";"
        The separator.

    Returns
    -------
    DataFrame
        ``frame`` with one row per item of ``column`` (a string column).
    """
    out = frame.assign(**{column: frame[column].str.split(sep)}).explode(column)
    out[column] = out[column].str.strip().astype("string")
    return out[out[column].notna() & (out[column] != "")].reset_index(drop=True)

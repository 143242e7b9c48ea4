"""Vocabularies of the data, and the rule that derives a case's outcome from its codes.

How a case ended is coded dimension by dimension in ``case_outcomes`` (one row per case;
see :data:`CODES` for the values, each code with its evidence).  The one-word ``outcome`` of
``ncp_cases`` is *derived* from those codes by :func:`derive_outcome`, a rule over codes only
(no reading of prose), tried in this order; the first that applies wins:

============================  ==========================================  ====================
rule                          when                                        outcome: accepted -
============================  ==========================================  ====================
``withdrawn``                 ``withdrawn = yes``                         (withdrawn)
``not-accepted``              ``ia_decision = not accepted``              (not accepted)
``in-progress``               ``closed = no``                             (in progress)
``agreement``                 ``agreement = full``                        agreement
``partial-agreement``         ``agreement = partial``                     partial agreement
``company-declined``          ``good_offices = declined by enterprise``    company declined
``complainant-declined``      ``good_offices = declined by complainant``   complainant declined
``no-agreement``              ``agreement = none``                        no agreement
``no-good-offices``           ``good_offices = not offered``              no good offices
``closed-before-assessment``  ``ia_decision = not reached``, closed       (concluded - other)
``accepted-no-detail``        accepted or partially, closed               (concluded - other)
``closed-no-detail``          ``closed = yes``, nothing else known        (concluded - other)
``unknown``                   none of the above                           (unknown)
============================  ==========================================  ====================

The outcome column gives the category after "accepted - ", or in brackets a whole category
(:data:`OUTCOME_RULES` maps each rule to its category exactly).

:func:`code_conflicts` lists the ways a row's codes can contradict each other; validation
reports each as a problem.  :func:`suggest_outcome` is the older rule over the words of a
status: it may help a person coding a new row, and is never the stored value.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

#: The coded dimensions of how a case ended, and their values (``case_outcomes``).
CODES: dict[str, tuple[str, ...]] = {
    "closed": ("yes", "no", "unknown"),
    "ia_decision": ("accepted", "not accepted", "partially accepted", "not reached", "unknown"),
    "good_offices": (
        "held",
        "declined by enterprise",
        "declined by complainant",
        "not offered",
        "not reached",
        "unknown",
    ),
    "agreement": ("full", "partial", "none", "not applicable", "unknown"),
    "determination": ("non-observance", "no non-observance", "not stated", "unknown"),
    "recommendations": ("yes", "no", "unknown"),
    "follow_up": ("yes", "no", "unknown"),
    "withdrawn": ("yes", "no", "unknown"),
}

OUTCOMES: tuple[str, ...] = (
    "not accepted",
    "accepted - agreement",
    "accepted - partial agreement",
    "accepted - no agreement",
    "accepted - company declined good offices",
    "accepted - complainant declined good offices",
    "accepted - no good offices",
    "concluded - other",
    "withdrawn",
    "in progress",
    "unknown",
)

#: Rules of :func:`derive_outcome`, in the order they are tried, with the outcome each gives.
OUTCOME_RULES: dict[str, str] = {
    "withdrawn": "withdrawn",
    "not-accepted": "not accepted",
    "in-progress": "in progress",
    "agreement": "accepted - agreement",
    "partial-agreement": "accepted - partial agreement",
    "company-declined": "accepted - company declined good offices",
    "complainant-declined": "accepted - complainant declined good offices",
    "no-agreement": "accepted - no agreement",
    "no-good-offices": "accepted - no good offices",
    "closed-before-assessment": "concluded - other",
    "accepted-no-detail": "concluded - other",
    "closed-no-detail": "concluded - other",
    "unknown": "unknown",
}

#: Outcomes of cases the NCP accepted (in whole or in part) for further examination.
ACCEPTED_OUTCOMES: tuple[str, ...] = tuple(o for o in OUTCOMES if o.startswith("accepted"))

_ACCEPTED = ("accepted", "partially accepted")
_NO_GOOD_OFFICES = ("declined by enterprise", "declined by complainant", "not offered", "not reached")


def _rule(c: Mapping[str, str]) -> str:
    if c["withdrawn"] == "yes":
        return "withdrawn"
    if c["ia_decision"] == "not accepted":
        return "not-accepted"
    if c["closed"] == "no":
        return "in-progress"
    by_code = (
        ("agreement", "full", "agreement"),
        ("agreement", "partial", "partial-agreement"),
        ("good_offices", "declined by enterprise", "company-declined"),
        ("good_offices", "declined by complainant", "complainant-declined"),
        ("agreement", "none", "no-agreement"),
        ("good_offices", "not offered", "no-good-offices"),
    )
    for dim, value, rule in by_code:
        if c[dim] == value:
            return rule
    if c["closed"] == "yes" and c["ia_decision"] == "not reached":
        return "closed-before-assessment"
    if c["closed"] == "yes" and c["ia_decision"] in _ACCEPTED:
        return "accepted-no-detail"
    if c["closed"] == "yes":
        return "closed-no-detail"
    return "unknown"


def derive_outcome(codes: Mapping[str, str]) -> tuple[str, str]:
    """The outcome category and the rule that gives it, from a case's codes.

    Parameters
    ----------
    codes : mapping
        The values of :data:`CODES` for one case (a ``case_outcomes`` row).

    Returns
    -------
    tuple of (str, str)
        ``(outcome, rule)``; ``outcome`` is one of :data:`OUTCOMES`.

    Examples
    --------
    >>> codes = dict.fromkeys(CODES, "unknown")
    >>> derive_outcome({**codes, "closed": "yes", "ia_decision": "accepted",
    ...                 "good_offices": "held", "agreement": "none"})
    ('accepted - no agreement', 'no-agreement')
    >>> derive_outcome({**codes, "closed": "yes", "ia_decision": "not accepted"})
    ('not accepted', 'not-accepted')
    """
    rule = _rule(codes)
    return OUTCOME_RULES[rule], rule


#: Pairs of codes that cannot both hold: (dimension, values, then dimension, allowed values, reason).
CODE_RULES: tuple[tuple[str, tuple[str, ...], str, tuple[str, ...], str], ...] = (
    (
        "agreement",
        ("full", "partial", "none"),
        "good_offices",
        ("held",),
        "an agreement (or its failure) needs good offices held",
    ),
    (
        "good_offices",
        ("held",),
        "agreement",
        ("full", "partial", "none", "unknown"),
        "good offices held end in a full, partial or no agreement",
    ),
    (
        "good_offices",
        _NO_GOOD_OFFICES,
        "agreement",
        ("not applicable", "unknown"),
        "without good offices there is no agreement to code",
    ),
    (
        "ia_decision",
        ("not accepted", "not reached"),
        "good_offices",
        ("not reached",),
        "a case not accepted (or closed before assessment) never reached good offices",
    ),
    (
        "good_offices",
        ("held", "declined by enterprise", "declined by complainant", "not offered"),
        "ia_decision",
        ("accepted", "partially accepted", "unknown"),
        "good offices follow an accepted case",
    ),
    (
        "withdrawn",
        ("yes",),
        "ia_decision",
        ("not reached", "accepted", "partially accepted"),
        "a withdrawal happens before the assessment or after acceptance",
    ),
    (
        "determination",
        ("non-observance",),
        "ia_decision",
        ("accepted", "partially accepted"),
        "a finding of non-observance needs an accepted case",
    ),
    ("closed", ("no",), "withdrawn", ("no", "unknown"), "a withdrawn case is closed"),
)


def code_conflicts(codes: Mapping[str, str]) -> list[tuple[str, str]]:
    """Every way the codes of one case contradict each other, as ``(dimension, message)``.

    Parameters
    ----------
    codes : mapping
        The values of :data:`CODES` for one case.

    Returns
    -------
    list of (str, str)
        ``(dimension, message)`` for each contradiction; empty when the codes agree.

    >>> codes = dict.fromkeys(CODES, "unknown")
    >>> code_conflicts({**codes, "agreement": "full", "good_offices": "not offered"})[0][0]
    'good_offices'
    """
    out = []
    for dim, values, other, allowed, reason in CODE_RULES:
        if codes.get(dim) in values and codes.get(other) not in allowed:
            out.append((other, f"{dim} = {codes.get(dim)!r} needs {other} in {', '.join(allowed)}: {reason}"))
    return out


_NOT_ACCEPTED = re.compile(r"\b(not accepted|rejected|dismissed|inadmissible|not admitted|declined to accept)\b")
_AGREEMENT = re.compile(r"\bagree(ment|d)\b|\bcommon statement\b|\bsettle(ment|d)\b")
_IN_PROGRESS = re.compile(r"\b(in progress|ongoing|under review|pending|under way|underway)\b")
_CONCLUDED = re.compile(r"\b(concluded|closed|final statement|completed)\b")


def suggest_outcome(status: str | None, text: str | None = None) -> str:
    """A first guess at the outcome from the words of a status, for a person coding a new row.

    Never stored: the outcome in the data is always :func:`derive_outcome` of the codes.
    The guess can be wrong ("a final statement was withdrawn" is not a withdrawn case).

    Parameters
    ----------
    status : str or None
        A status as a page words it.
    text : str, optional
        A short account of what happened.

    Returns
    -------
    str
        One of :data:`OUTCOMES`.

    >>> suggest_outcome("Rejected (OECD Watch)")
    'not accepted'
    """
    both = f"{status or ''} | {text or ''}".lower()
    if "withdrawn" in both or "withdrew" in both:
        return "withdrawn"
    if _NOT_ACCEPTED.search(both):
        return "not accepted"
    if _AGREEMENT.search(both) and "no agreement" not in both:
        return "accepted - agreement"
    if _IN_PROGRESS.search(both) and not _CONCLUDED.search(both):
        return "in progress"
    if _CONCLUDED.search(both):
        return "concluded - other"
    return "unknown"


#: Two-letter prefix of OECD database ids, by lead NCP (the country names used in ``lead_ncp``).
NCP_CODES: dict[str, str] = {
    "Argentina": "ar",
    "Australia": "au",
    "Austria": "at",
    "Belgium": "be",
    "Brazil": "br",
    "Bulgaria": "bg",
    "Canada": "ca",
    "Chile": "cl",
    "Colombia": "co",
    "Costa Rica": "cr",
    "Croatia": "hr",
    "Czech Republic": "cz",
    "Denmark": "dk",
    "Egypt": "eg",
    "Estonia": "ee",
    "Finland": "fi",
    "France": "fr",
    "Germany": "de",
    "Greece": "gr",
    "Hungary": "hu",
    "Iceland": "is",
    "Ireland": "ie",
    "Israel": "il",
    "Italy": "it",
    "Japan": "jp",
    "Jordan": "jo",
    "Kazakhstan": "kz",
    "Korea": "kr",
    "Latvia": "lv",
    "Lithuania": "lt",
    "Luxembourg": "lu",
    "Mexico": "mx",
    "Morocco": "ma",
    "Netherlands": "nl",
    "New Zealand": "nz",
    "Norway": "no",
    "Peru": "pe",
    "Poland": "pl",
    "Portugal": "pt",
    "Romania": "ro",
    "Slovak Republic": "sk",
    "Slovenia": "si",
    "Spain": "es",
    "Sweden": "se",
    "Switzerland": "ch",
    "Tunisia": "tn",
    "Turkey": "tr",
    "Ukraine": "ua",
    "United Kingdom": "uk",
    "United States": "us",
    "Uruguay": "uy",
}
#: OECD ids whose prefix is not their lead NCP's code, each as the OECD database writes it
#: (its page is ``database/instances/<id>.htm``, source rows ``oecd-db-<id>``): three
#: Korean-led cases filed under Kenya's ``ke``.  Only these ids are excused, never a prefix.
OECD_ID_EXCEPTIONS: dict[str, str] = {"ke0015": "Korea", "ke0018": "Korea", "ke0020": "Korea"}


def id_prefixes(ncp: str) -> tuple[str, ...]:
    """The OECD id prefix of ``ncp`` (empty if the NCP is unknown)."""
    code = NCP_CODES.get(ncp)
    return (code,) if code else ()


def oecd_id_fits(oecd_id: str, ncp: str) -> bool:
    """Whether ``oecd_id`` may belong to a case led by ``ncp``: its prefix is the NCP's code,
    or it is one of :data:`OECD_ID_EXCEPTIONS` for that NCP (or the NCP has no known code).

    >>> oecd_id_fits("se0009", "Sweden"), oecd_id_fits("ke0018", "Korea"), oecd_id_fits("ke0019", "Korea")
    (True, True, False)
    """
    codes = id_prefixes(ncp)
    return not codes or oecd_id[:2] in codes or OECD_ID_EXCEPTIONS.get(oecd_id) == ncp


#: Chapters of the Guidelines under one English name each (2011/2023 wording).
THEMES: tuple[str, ...] = (
    "Concepts and principles",
    "General policies",
    "Disclosure",
    "Human rights",
    "Employment and industrial relations",
    "Environment",
    "Combating bribery",
    "Consumer interests",
    "Science and technology",
    "Competition",
    "Taxation",
)

_THEME_WORDS: tuple[tuple[str, str], ...] = (
    ("concept", "Concepts and principles"),
    ("conceitos", "Concepts and principles"),
    ("general polic", "General policies"),
    ("políticas gerais", "General policies"),
    ("politiques générales", "General policies"),
    ("disclosure", "Disclosure"),
    ("publication d", "Disclosure"),
    ("divulgação", "Disclosure"),
    ("human rights", "Human rights"),
    ("droits de l", "Human rights"),
    ("direitos humanos", "Human rights"),
    ("employment", "Employment and industrial relations"),
    ("trabalh", "Employment and industrial relations"),
    ("emploi", "Employment and industrial relations"),
    ("environment", "Environment"),
    ("bribe", "Combating bribery"),
    ("brib", "Combating bribery"),
    ("corrup", "Combating bribery"),
    ("consumer", "Consumer interests"),
    ("consommateurs", "Consumer interests"),
    ("science", "Science and technology"),
    ("competition", "Competition"),
    ("taxation", "Taxation"),
    ("compliance", "General policies"),
)


#: Chapter numbers as in the 2011 and 2023 editions (the 2000 edition had no human-rights
#: chapter, so its numbers differ; the table cites chapters by number only for later cases).
_CHAPTERS = dict(zip(("i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi"), THEMES))


def normalise_theme(theme: str) -> str | None:
    """Map a theme as worded by a source (any language the data holds) to one of :data:`THEMES`."""
    t = theme.strip().lower()
    m = re.fullmatch(r"chapter\s+([ivx]+)", t)
    if m:
        return _CHAPTERS.get(m.group(1))
    for word, name in _THEME_WORDS:
        if word in t:
            return name
    return None

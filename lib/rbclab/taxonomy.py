"""Normalised outcome categories for NCP specific instances.

The stated status of a case (as a source words it) is kept as it is; beside it the
case table stores a normalised ``outcome`` and the ``outcome_rule`` that produced it,
so a reviewer can audit every mapping.  :func:`classify_outcome` is that rule.  It is
applied to the stated status and the short outcome text, in this order; the first
rule that matches wins:

==========================  =====================================================================
rule                        matches (case-insensitive)
==========================  =====================================================================
``withdrawn``               "withdrawn" / "withdrew" in status or text
``not-accepted``            status says not accepted / rejected / dismissed / inadmissible, or the
                            text starts with one of those words
``partial-agreement``       text or status mentions a partial agreement
``company-declined``        text says the company/enterprise declined or refused good offices,
                            mediation or dialogue
``complainant-declined``    text says the complainants declined or refused good offices/mediation
``no-agreement``            text says no agreement was reached, or the dialogue/mediation failed
``agreement``               text or status mentions an agreement (and none of the above matched)
``no-resolution-accepted``  OECD Watch status "No resolution" and the text shows the case was
                            accepted (good offices, mediation, final statement with findings)
``in-progress``             status or text says in progress / ongoing / under review / good
                            offices or mediation under way
``concluded-other``         status or text says concluded / closed / final statement, with no
                            word on agreement
``unknown``                 nothing above matched (for example an empty status and text)
==========================  =====================================================================

A case whose sources do not allow a rule to decide may carry ``outcome_rule = "manual"``
with the reason in its notes; the tests check that every other row matches this function.
"""

from __future__ import annotations

import re

OUTCOMES: tuple[str, ...] = (
    "not accepted",
    "accepted - agreement",
    "accepted - partial agreement",
    "accepted - no agreement",
    "accepted - company declined good offices",
    "accepted - complainant declined good offices",
    "concluded - other",
    "withdrawn",
    "in progress",
    "unknown",
)

_NOT_ACCEPTED = re.compile(r"\b(not accepted|rejected|dismissed|inadmissible|not admitted|declined to accept)\b")
_GOOD_OFFICES = r"(good offices|mediation|dialogue|conciliation|offer)"
_COMPANY_DECLINED = re.compile(
    r"\b(company|enterprise|firm|bank|respondent)s?\b[^.;]{0,40}\b(declined|refused|rejected|did not (accept|engage|participate))\b[^.;]{0,40}"
    + _GOOD_OFFICES
)
_COMPLAINANT_DECLINED = re.compile(
    r"\b(complainants?|ngos?|unions?|submitters?)\b[^.;]{0,40}\b(declined|refused|rejected)\b[^.;]{0,40}" + _GOOD_OFFICES
)
_NO_AGREEMENT = re.compile(r"\b(no agreement|no consensus|without (an )?agreement|not reach(ed)? (an )?agreement|failed|unsuccessful|broke down)\b")
_AGREEMENT = re.compile(r"\bagree(ment|d)\b|\bcommon statement\b|\bsettle(ment|d)\b")
_ACCEPTED = re.compile(r"\b(accepted|good offices|mediation|dialogue|final statement)\b")
_IN_PROGRESS = re.compile(r"\b(in progress|ongoing|under review|pending|good offices \(|mediation initiated|under way|underway)\b")
_CONCLUDED = re.compile(r"\b(concluded|closed|final statement|completed)\b")


def classify_outcome(status: str | None, text: str | None) -> tuple[str, str]:
    """Return ``(outcome, rule)`` for a stated status and a short outcome text."""
    s = (status or "").lower()
    t = (text or "").lower()
    both = f"{s} | {t}"
    # cheap substring guards keep the regular expressions off most rows
    if "withdr" in both:
        if "withdrawn" in both or "withdrew" in both:
            return "withdrawn", "withdrawn"
    if (s and _NOT_ACCEPTED.search(s)) or re.match(r"\s*(not accepted|rejected|dismissed|inadmissible)", t):
        return "not accepted", "not-accepted"
    if "partial" in both and ("partial agreement" in both or "partially agreed" in both):
        return "accepted - partial agreement", "partial-agreement"
    if "declin" in t or "refus" in t or "reject" in t or "did not" in t:
        if _COMPANY_DECLINED.search(t):
            return "accepted - company declined good offices", "company-declined"
        if _COMPLAINANT_DECLINED.search(t):
            return "accepted - complainant declined good offices", "complainant-declined"
    if ("agree" in t or "consensus" in t or "fail" in t or "unsuccess" in t or "broke" in t) and _NO_AGREEMENT.search(t):
        return "accepted - no agreement", "no-agreement"
    if ("agree" in both or "common statement" in both or "settle" in both) and _AGREEMENT.search(both) and "no resolution" not in s:
        return "accepted - agreement", "agreement"
    if "no resolution" in s and _ACCEPTED.search(t):
        return "accepted - no agreement", "no-resolution-accepted"
    if _IN_PROGRESS.search(both) and not _CONCLUDED.search(s):
        return "in progress", "in-progress"
    if _CONCLUDED.search(both) or "no resolution" in s:
        return "concluded - other", "concluded-other"
    return "unknown", "unknown"


#: Two-letter prefix of OECD database ids, by lead NCP (the country names used in ``lead_ncp``).
NCP_CODES: dict[str, str] = {
    "Argentina": "ar", "Australia": "au", "Austria": "at", "Belgium": "be", "Brazil": "br", "Bulgaria": "bg",
    "Canada": "ca", "Chile": "cl", "Colombia": "co", "Costa Rica": "cr", "Croatia": "hr", "Czech Republic": "cz",
    "Denmark": "dk", "Egypt": "eg", "Estonia": "ee", "Finland": "fi", "France": "fr", "Germany": "de", "Greece": "gr",
    "Hungary": "hu", "Iceland": "is", "Ireland": "ie", "Israel": "il", "Italy": "it", "Japan": "jp", "Jordan": "jo",
    "Kazakhstan": "kz", "Korea": "kr", "Latvia": "lv", "Lithuania": "lt", "Luxembourg": "lu", "Mexico": "mx",
    "Morocco": "ma", "Netherlands": "nl", "New Zealand": "nz", "Norway": "no", "Peru": "pe", "Poland": "pl",
    "Portugal": "pt", "Romania": "ro", "Slovak Republic": "sk", "Slovenia": "si", "Spain": "es", "Sweden": "se",
    "Switzerland": "ch", "Tunisia": "tn", "Turkey": "tr", "Ukraine": "ua", "United Kingdom": "uk",
    "United States": "us", "Uruguay": "uy",
}
#: Other prefixes the OECD database uses for some NCPs' instances (ke0018 is a Korean-led case).
NCP_CODE_ALIASES: dict[str, tuple[str, ...]] = {"Korea": ("ke",)}


def id_prefixes(ncp: str) -> tuple[str, ...]:
    """Every OECD id prefix that may stand for ``ncp`` (empty if the NCP is unknown)."""
    code = NCP_CODES.get(ncp)
    return ((code,) + NCP_CODE_ALIASES.get(ncp, ())) if code else ()

#: Chapters of the Guidelines under one English name each (2011/2023 wording).
THEMES: tuple[str, ...] = (
    "Concepts and principles", "General policies", "Disclosure", "Human rights",
    "Employment and industrial relations", "Environment", "Combating bribery", "Consumer interests",
    "Science and technology", "Competition", "Taxation",
)

_THEME_WORDS: tuple[tuple[str, str], ...] = (
    ("concept", "Concepts and principles"), ("conceitos", "Concepts and principles"),
    ("general polic", "General policies"), ("políticas gerais", "General policies"), ("politiques générales", "General policies"),
    ("disclosure", "Disclosure"), ("publication d", "Disclosure"), ("divulgação", "Disclosure"),
    ("human rights", "Human rights"), ("droits de l", "Human rights"), ("direitos humanos", "Human rights"),
    ("employment", "Employment and industrial relations"), ("emploi", "Employment and industrial relations"),
    ("environment", "Environment"), ("bribe", "Combating bribery"), ("brib", "Combating bribery"),
    ("corrup", "Combating bribery"), ("consumer", "Consumer interests"), ("consommateurs", "Consumer interests"),
    ("science", "Science and technology"), ("competition", "Competition"), ("taxation", "Taxation"),
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

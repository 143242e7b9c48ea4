import pytest

import rbclab as rl
from rbclab.taxonomy import CODE_RULES, OUTCOME_RULES, normalise_theme

BASE = dict.fromkeys(rl.CODES, "unknown")


def codes(**kw):
    return {**BASE, **kw}


# (codes, outcome, rule): one example per rule, in the order the rules are tried
EXAMPLES = [
    (codes(withdrawn="yes", ia_decision="accepted", closed="yes"), "withdrawn", "withdrawn"),
    (codes(ia_decision="not accepted", closed="yes", good_offices="not reached"), "not accepted", "not-accepted"),
    (codes(ia_decision="accepted", closed="no"), "in progress", "in-progress"),
    (
        codes(ia_decision="accepted", closed="yes", good_offices="held", agreement="full"),
        "accepted - agreement",
        "agreement",
    ),
    (
        codes(closed="yes", good_offices="held", agreement="partial"),
        "accepted - partial agreement",
        "partial-agreement",
    ),
    (
        codes(ia_decision="partially accepted", closed="yes", good_offices="declined by enterprise"),
        "accepted - company declined good offices",
        "company-declined",
    ),
    (
        codes(ia_decision="accepted", closed="yes", good_offices="declined by complainant"),
        "accepted - complainant declined good offices",
        "complainant-declined",
    ),
    (
        codes(ia_decision="accepted", closed="yes", good_offices="held", agreement="none"),
        "accepted - no agreement",
        "no-agreement",
    ),
    (
        codes(ia_decision="accepted", closed="yes", good_offices="not offered"),
        "accepted - no good offices",
        "no-good-offices",
    ),
    (codes(ia_decision="not reached", closed="yes"), "concluded - other", "closed-before-assessment"),
    (codes(ia_decision="accepted", closed="yes"), "concluded - other", "accepted-no-detail"),
    (codes(closed="yes"), "concluded - other", "closed-no-detail"),
    (BASE, "unknown", "unknown"),
]


@pytest.mark.parametrize("case,outcome,rule", EXAMPLES)
def test_derive_outcome_follows_the_documented_rules(case, outcome, rule):
    assert rl.derive_outcome(case) == (outcome, rule)


def test_every_rule_has_an_example_in_order():
    assert [rule for _, _, rule in EXAMPLES] == list(OUTCOME_RULES)
    assert set(OUTCOME_RULES.values()) == set(rl.OUTCOMES)


def test_the_rule_reads_codes_not_words():
    # the BTC pipeline case: an earlier final statement was withdrawn, the case was not
    btc = codes(
        closed="yes", ia_decision="accepted", good_offices="not offered", withdrawn="no", determination="non-observance"
    )
    assert rl.derive_outcome(btc)[0] == "accepted - no good offices"
    # the DNO case: mediation "was unsuccessful"
    dno = codes(closed="yes", ia_decision="accepted", good_offices="held", agreement="none", withdrawn="no")
    assert rl.derive_outcome(dno)[0] == "accepted - no agreement"


@pytest.mark.parametrize(
    "case,dimension",
    [
        (codes(agreement="full", good_offices="not offered"), "good_offices"),
        (codes(good_offices="declined by enterprise", agreement="none"), "agreement"),
        (codes(ia_decision="not accepted", good_offices="held"), "good_offices"),
        (codes(withdrawn="yes", ia_decision="not accepted", good_offices="not reached"), "ia_decision"),
        (codes(determination="non-observance", ia_decision="not accepted", good_offices="not reached"), "ia_decision"),
        (codes(closed="no", withdrawn="yes", ia_decision="accepted"), "withdrawn"),
    ],
)
def test_code_conflicts_name_the_dimension(case, dimension):
    assert dimension in [d for d, _ in rl.code_conflicts(case)]


def test_consistent_codes_have_no_conflict():
    case = codes(closed="yes", ia_decision="accepted", good_offices="held", agreement="partial", withdrawn="no")
    assert rl.code_conflicts(case) == []
    assert len(CODE_RULES) >= 6


def test_suggest_outcome_is_only_a_guess_from_words():
    assert rl.suggest_outcome("Rejected (OECD Watch)") == "not accepted"
    # the words that misled the old rule: a suggestion may be wrong, which is why it is never stored
    assert rl.suggest_outcome("Concluded", "2007 final statement withdrawn after procedural review") == "withdrawn"


def test_axis_outcome():
    cases = rl.load_cases().set_index("case_id")
    assert cases.loc[rl.AXIS_CASE_ID, "outcome"] == "accepted - agreement"


def test_chapter_numbers_map_to_the_2011_chapters():
    assert normalise_theme("Chapter II") == "General policies"
    assert normalise_theme("Chapter IV") == "Human rights"
    assert normalise_theme("chapter xi") == "Taxation"
    assert normalise_theme("Chapter XII") is None

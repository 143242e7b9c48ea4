import pytest

import rbclab as rl

EXAMPLES = [
    ("Not accepted", "", "not accepted"),
    ("", "not accepted (parallel legal proceedings)", "not accepted"),
    ("Concluded", "partially accepted; mediation held; partial agreement", "accepted - partial agreement"),
    ("", "accepted; company declined mediation; recommendations", "accepted - company declined good offices"),
    ("", "partially accepted; complainants declined good offices", "accepted - complainant declined good offices"),
    ("Concluded", "accepted; mediation failed; recommendations issued", "accepted - no agreement"),
    ("Concluded", "accepted; dialogue; agreement on climate targets", "accepted - agreement"),
    ("Withdrawn (OECD Watch)", "withdrawn", "withdrawn"),
    ("In progress", "pending at time of stored copy", "in progress"),
    ("Concluded", "concluded with final statement", "concluded - other"),
    ("", "", "unknown"),
]


@pytest.mark.parametrize("status,text,expected", EXAMPLES)
def test_classify_outcome(status, text, expected):
    outcome, rule = rl.classify_outcome(status, text)
    assert outcome == expected and outcome in rl.OUTCOMES


def test_axis_outcome():
    cases = rl.load_cases().set_index("case_id")
    assert cases.loc[rl.AXIS_CASE_ID, "outcome"] == "accepted - agreement"


def test_chapter_numbers_map_to_the_2011_chapters():
    from rbclab.taxonomy import normalise_theme

    assert normalise_theme("Chapter II") == "General policies"
    assert normalise_theme("Chapter IV") == "Human rights"
    assert normalise_theme("chapter xi") == "Taxation"
    assert normalise_theme("Chapter XII") is None

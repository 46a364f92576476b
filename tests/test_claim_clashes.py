"""Claims that differ in one argument are kept apart: a fee rise for 2025 is
not a fee rise for 2026, so denying one and announcing the other is no
reversal (a trap of the reversal case corpus, written again here)."""

import datetime as dt

import pytest

from onrecord.analysis import Analyzer
from onrecord.ingest.draft import Draft, IngestOptions, finish


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def analyse(analyzer, text):
    article = finish(Draft(text=text, source_ref="test", published=dt.date(2025, 6, 18)), IngestOptions(languages=()))
    return analyzer.analyze_article(article)


def test_a_different_year_is_a_different_claim(analyzer):
    a = analyse(
        analyzer,
        (
            "Harwick College said in March it would not raise its fees for students starting in 2025.\n\n"
            "Joan Pell, the college's principal, said on Tuesday that the college would raise its fees "
            "for students starting in 2026."
        ),
    )
    denial = next(s for s in a.statements if "2025" in s.content.text)
    rise = next(s for s in a.statements if "2026" in s.content.text)
    assert (denial.stance.value, rise.stance.value) == ("deny", "affirm")
    assert denial.claim_id != rise.claim_id
    assert not a.reversals


def test_the_same_year_is_the_same_claim(analyzer):
    a = analyse(
        analyzer,
        (
            "Harwick College said in March it would not raise its fees for students starting in 2025.\n\n"
            "Joan Pell, the college's principal, said on Tuesday that the college would raise its fees "
            "for students starting in 2025."
        ),
    )
    claims = {s.claim_id for s in a.statements if "2025" in s.content.text}
    assert len(claims) == 1 and None not in claims


def test_a_principal_speaks_for_the_college_and_its_change_is_a_reversal(analyzer):
    a = analyse(
        analyzer,
        (
            "Harwick College said in March it would not raise its fees for students starting in 2025.\n\n"
            "Joan Pell, the college's principal, said on Tuesday that the college would raise its fees "
            "for students starting in 2025."
        ),
    )
    pell = next(s for s in a.statements if s.speaker_name == "Joan Pell")
    assert pell.side == "org:harwick college"
    assert [(r.actor, r.from_stance.value, r.to_stance.value) for r in a.reversals] == [
        ("Harwick College", "deny", "affirm")
    ]

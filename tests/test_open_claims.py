"""Open-domain claims (issue 14): a proposition for statements outside the
closed frames, predicate groups and opposites, claims that need a shared
argument, and reversals found across articles on SQLite and PostgreSQL.

The articles are written for these tests; the real spaCy model parses them
and the real stores keep them.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from onrecord.claims.predicates import SNAP_THRESHOLD, lexicon, nearest_listed, predicate_of
from onrecord.claims.propositions import proposition
from onrecord.model import Stance

CASES = Path(__file__).parent / "data" / "reversal_cases"


# -- the predicate lexicon ----------------------------------------------------


def test_synonyms_share_a_key_and_opposites_carry_the_pairs_key_with_sign_minus_one():
    assert predicate_of("quit").key == predicate_of("resign").key == predicate_of("step down").key == "resign"
    reject, approve = predicate_of("reject"), predicate_of("approve")
    assert (reject.key, reject.sign) == ("approve", -1) and (approve.key, approve.sign) == ("approve", 1)
    # a pair whose first side is a closed frame keeps the frame's key
    assert (predicate_of("open").key, predicate_of("open").sign) == ("close", -1)
    assert predicate_of("cut").key == "raise" and predicate_of("cut").sign == -1


def test_an_unlisted_word_keeps_its_own_lemma_unless_the_embedding_finds_a_near_synonym():
    assert predicate_of("paint").key == "w:paint" and not predicate_of("paint").listed
    # "quitting" is no lemma of the lexicon; the embedding puts it with "quit"
    assert "quitting" not in lexicon()
    snapped = nearest_listed("quitting")
    assert snapped is not None and snapped.key == "resign"
    # below the calibrated threshold nothing is snapped
    assert nearest_listed("quitting", threshold=1.01) is None
    assert 0.5 <= SNAP_THRESHOLD < 1


def test_each_lexicon_word_belongs_to_one_group():
    from onrecord.claims.predicates import _rows

    seen: dict[str, str] = {}
    for row in _rows("predicates.tsv"):
        if row[0] == "~":
            continue
        for lemma in row[2].split(","):
            assert seen.setdefault(lemma.strip(), row[0]) == row[0], f"{lemma} is in {seen[lemma.strip()]} and {row[0]}"


# -- propositions ------------------------------------------------------------


@pytest.fixture(scope="module")
def analyzer():
    from onrecord.analysis import Analyzer

    return Analyzer()


def _prop(analyzer, text, **kwargs):
    return proposition(analyzer.nlp(text), 0, len(text), **kwargs)


def test_an_open_proposition_reaches_the_predicate_through_plans_and_light_verbs(analyzer):
    plan = _prop(analyzer, "There is no plan to scrap the night bus service.")
    assert plan.frame.key == "hold" and plan.sign == -1 and plan.predicate.lemma_ == "scrap"
    offer = _prop(analyzer, "the club had made an offer for the goalkeeper")
    assert offer.predicate.lemma_ == "offer" and "T:goalkeeper" in offer.participants
    # a content that says nothing of its own has no proposition to be a claim
    assert _prop(analyzer, "it is what it is").frame is None


def test_a_pronoun_subject_is_the_speakers_side_and_the_claim_text_names_it(analyzer):
    p = _prop(analyzer, "I am not running for governor", speaker_key="N:okafor", speaker_name="Amara Okafor")
    assert p.agent == "N:okafor" and p.frame.key == "run"
    assert p.text == "Amara Okafor is running for governor"  # affirmative, with the name for "I"
    contracted = _prop(
        analyzer,
        "We're going to win this state",
        speaker_key="N:okafor",
        speaker_name="Amara Okafor",
        speaker_kind="person",
    )
    assert contracted.text == "Amara Okafor is going to win this state"
    # "she" is not an organisation's: the pronoun must fit the speaker
    assert _prop(analyzer, "she will win the seat", speaker_key="N:halden", speaker_kind="organization").agent is None


def test_claims_need_a_shared_argument_not_only_a_verb(analyzer):
    a = _prop(analyzer, "the team will win the cup final")
    b = _prop(analyzer, "the party will win the by-election")
    c = _prop(analyzer, "the team would win the cup final")
    assert a.frame.key == b.frame.key == "win"
    assert not a.matches(b, same_article=True)
    assert a.matches(c, same_article=True)


def test_objects_told_apart_by_their_modifiers_or_names_keep_claims_apart(analyzer):
    studio = _prop(analyzer, "the theatre will close its studio stage")
    main = _prop(analyzer, "the theatre will close its main stage")
    again = _prop(analyzer, "the theatre would close the studio stage in May")
    assert studio.clashes(main) and not studio.matches(main, same_article=True)
    assert not studio.clashes(again)
    deal_a = _prop(analyzer, "the airline signed a deal with Corvell Aero")
    deal_b = _prop(analyzer, "the airline signed a deal with Pemberton Jets")
    assert deal_a.clashes(deal_b)


# -- an article, and stores across articles --------------------------------

UNION_1 = (
    "HALDEN, March 4 (Coastwire) - The Halden Dockworkers' Union rejected the port operator's pay offer on Monday, "
    "its general secretary said.\n\n"
    '"We reject this offer. It does not keep pace with prices," union general secretary Ruth Okonkwo told reporters '
    "outside the union's offices.\n\n"
    "The operator, Halden Quays, said it was disappointed."
)
UNION_2 = (
    "HALDEN, April 9 (Coastwire) - The Halden Dockworkers' Union accepted the port operator's pay offer on Tuesday "
    "after a month of talks.\n\n"
    '"Our members have accepted the offer. It is a fair settlement," union general secretary Ruth Okonkwo said at '
    "a news conference.\n\n"
    "Halden Quays said the agreement would run for three years."
)


def test_an_opposite_predicate_turns_the_stance_over_within_an_article(analyzer):
    from onrecord.model import Article

    only_rejected = analyzer.analyze_article(Article(id="u1", text=UNION_1, content_hash="u1", source_ref="u1"))
    rejected = [s for s in only_rejected.statements if "reject" in s.content.text.lower()]
    claim = next(c for c in only_rejected.claims if c.id == rejected[0].claim_id)
    # the claim is written in its statements' own sense, and they affirm it
    assert "rejected" in claim.text and claim.sign == -1
    assert all(s.claim_id == claim.id and s.stance is Stance.AFFIRM for s in rejected)

    both = analyzer.analyze_article(
        Article(id="u2", text=UNION_1 + "\n\n" + UNION_2, content_hash="u2", source_ref="u2")
    )
    said = {s.content.text: s for s in both.statements}
    no = said['"We reject this offer. It does not keep pace with prices,"']
    yes = said['"Our members have accepted the offer. It is a fair settlement,"']
    assert no.claim_id == yes.claim_id
    assert {no.stance, yes.stance} == {Stance.AFFIRM, Stance.DENY}


def test_a_reversal_on_an_open_claim_is_found_across_articles(db_url):
    from onrecord.record import Record

    with Record(db_url) as record:
        record.ingest_documents(
            [
                {"text": UNION_1, "url": "https://news.example.org/halden-1", "published": "2025-03-04"},
                {"text": UNION_2, "url": "https://news.example.org/halden-2", "published": "2025-04-09"},
            ]
        )
        reversals = record.store.list_reversals(kind="reversal", limit=10)
        contradictions = record.store.list_reversals(kind="contradiction", limit=10)
    # the claim is stored in the sense the first article wrote it ("rejected the
    # offer"): the union affirmed it, then denied it by accepting the offer
    assert [(r.from_stance, r.to_stance) for r in reversals] == [("affirm", "deny")]
    assert "Halden" in reversals[0].actor and "rejected" in reversals[0].claim_text
    assert contradictions == []


# -- a part of the frozen case corpus --------------------------------------

# Cases the mechanism handles today (bench/reversal_cases.py runs all 93):
# true reversals across articles (a spokesman then the chief executive; a
# candidate; an earlier denial the text reports; "none" then "some"), and one
# case of each trap kind that must stay silent: a conditional after a denial,
# a different plant, a different year, consistent denials in other words, a
# question, a hypothetical, negated content.
CASE_SAMPLE = [
    "business-01-merger-denial",
    "elections-01-mayoral-bid",
    "diplomacy-05-extradition-request",
    "business-05-breach-some-records",
    "business-04-conditional-sale",
    "business-03-different-plant",
    "education-05-tuition-different-year",
    "education-02-exams-consistent-denials",
    "labour-05-outsourcing-question",
    "health-04-school-closures-hypothetical",
    "transport-05-port-privatisation-negated",
]


@pytest.mark.parametrize("case_id", CASE_SAMPLE)
def test_reversal_cases_sample(case_id):
    import sys

    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    from reversal_cases import score_case

    result = score_case(CASES / f"{case_id}.json")
    case = json.loads((CASES / f"{case_id}.json").read_text("utf-8"))
    assert result.found_reversals == len(case["expect"].get("reversals", [])), result.missed
    assert not result.false_reversals and not result.forbidden_reversals
    assert not result.forbidden_contradictions


# -- actor identity -------------------------------------------------------


def test_name_variants_of_one_person_are_one_identity():
    from onrecord.nlp.identity import actor_key

    assert {actor_key(n) for n in ("Donald J. Trump", "Donald Trump", "DONALD TRUMP", "Mr. Donald Trump's")} == {
        "donald trump"
    }
    assert actor_key("Sen. Ted Cruz") == actor_key("Ted Cruz")
    assert actor_key("Hillary Rodham Clinton") == actor_key("Hillary Clinton")
    assert actor_key("Martin Luther King Jr.") == actor_key("Martin Luther King")
    assert actor_key("Heidi Cruz") != actor_key("Ted Cruz")
    # an organisation keeps all its words: only "the" and case go
    assert actor_key("The Port Authority", "organization") == actor_key("port authority", "organization")
    assert actor_key("Bank of Ostrava", "organization") != actor_key("Bank of Ostrava Lande", "organization")


def test_the_store_keeps_one_actor_for_a_persons_name_variants(db_url):
    from onrecord.record import Record

    texts = [
        'Donald J. Trump said on Monday that the wall would be built. "It will be built," he said.',
        '"We will build it," Donald Trump told a rally in Ohio on Tuesday.',
    ]
    from sqlalchemy import select

    from onrecord.store.schema import actors

    with Record(db_url) as record:
        record.ingest_documents([{"text": t, "url": f"https://news.example.org/t{i}"} for i, t in enumerate(texts)])
        with record.store.engine.connect() as conn:
            rows = conn.execute(select(actors.c.name).where(actors.c.type == "person")).scalars().all()
    assert sum("Trump" in name for name in rows) == 1, rows


def test_a_change_of_position_needs_two_statements_about_one_thing():
    import datetime as dt

    from onrecord.claims.timeline import find_reversals
    from onrecord.model import Claim, Mention, Statement, StatementKind

    def said(sid, text, stance, day):
        return Statement(
            id=sid,
            kind=StatementKind.DIRECT,
            content=Mention(text, None),
            speaker_name="Dana Holt",
            stance=stance,
            claim_id="c1",
            date=day,
            side="org:orvin",
            side_name="Orvin Motors",
        )

    claim = Claim(id="c1", text="Orvin Motors will close the Leeds plant", statement_ids=["s1", "s2"])
    denied = said("s1", "There is no plan to close the Leeds plant", Stance.DENY, dt.date(2025, 3, 1))
    unrelated = said("s2", "Our second-quarter sales rose by nine percent", Stance.AFFIRM, dt.date(2025, 5, 1))
    related = said("s3", "We will close Leeds by the end of the year", Stance.AFFIRM, dt.date(2025, 5, 1))
    assert find_reversals([denied, unrelated], [claim], {}, lambda s: None) == []
    [reversal] = find_reversals([denied, related], [claim], {}, lambda s: None)
    assert (reversal.from_stance, reversal.to_stance) == (Stance.DENY, Stance.AFFIRM)


def test_a_follow_up_dating_only_what_was_said_before_reports_its_own_statements_as_news(db_url):
    """The second article dates only the earlier denial ("two days after
    telling supporters ..."): its undated admission is of its own day, not of
    that earlier one, so the change of position is found."""
    from onrecord.claims.timeline import main_event_day
    from onrecord.record import Record

    assert main_event_day(dt.date(2024, 11, 6), dt.date(2024, 11, 8)) == dt.date(2024, 11, 7)
    assert main_event_day(dt.date(2024, 11, 4), dt.date(2024, 11, 5)) == dt.date(2024, 11, 4)
    assert main_event_day(None, None) is None
    first = (
        "Mayoral candidate Edda Voss refused to concede on Tuesday.\n\n"
        '"We have not lost this election. When every ballot is counted, we will win," Voss said.'
    )
    second = (
        "Edda Voss conceded on Thursday, two days after telling supporters on Tuesday that she had not lost.\n\n"
        '"I lost this election, and I called the mayor this morning to congratulate him," Voss said.'
    )
    with Record(db_url) as record:
        record.ingest_documents(
            [
                {"text": first, "url": "https://news.example.org/voss-1", "published": "2024-11-06"},
                {"text": second, "url": "https://news.example.org/voss-2", "published": "2024-11-08"},
            ]
        )
        reversals = record.store.list_reversals(kind="reversal", limit=10)
    assert [(r.actor, r.from_stance, r.to_stance) for r in reversals] == [("Edda Voss", "deny", "affirm")]

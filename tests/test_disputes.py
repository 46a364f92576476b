"""Two sides of a dispute found as a new user would find them: a quotation
of two sentences said by "its chairman", whose claim sits in a that-clause or
a second sentence, a speaker who reports an accusation and calls it untrue,
a surname that a later article uses alone. Sentences written for these tests."""

import pytest

from onrecord.analysis import Analyzer
from onrecord.claims.propositions import proposition
from onrecord.claims.timeline import _named_employer
from onrecord.ingest.draft import Draft, IngestOptions, finish
from onrecord.model import Stance
from onrecord.record import Record


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def _analysis(analyzer, text):
    return analyzer.analyze_article(finish(Draft(text=text, source_ref="test"), IngestOptions(languages=())))


def _one(analyzer, text, part):
    """The one statement of the text whose content holds `part`."""
    [statement] = [s for s in _analysis(analyzer, text).statements if part in s.content.text]
    return statement


def _prop(analyzer, text):
    return proposition(analyzer.nlp(text), 0, len(text))


def test_a_quotation_of_two_sentences_is_said_by_the_speaker_after_it_not_by_a_word_inside(analyzer):
    # the parser makes "one" of '"... Not one," said its chairman' a subject of "said"
    text = (
        "The Harrow Cyclists' Club disputed the council's figures. "
        '"Our riders did not block the bridge. Not one," said its chairman, Tomasz Wierzba.'
    )
    statement = _one(analyzer, text, "block the bridge")
    assert statement.speaker_name == "Tomasz Wierzba"
    assert statement.kind.value == "direct"
    # "its chairman" is the chairman of the organisation just named, and speaks for it
    assert statement.side_name == "Harrow Cyclists' Club"
    assert statement.stance is Stance.DENY


def test_the_claim_is_the_main_clause_not_a_scene_setting_one(analyzer):
    p = _prop(analyzer, "riders blocked the bridge for an hour after the council closed the cycle lane")
    assert p.predicate.lemma_ == "block"


def test_the_claim_of_a_finding_is_in_its_that_clause(analyzer):
    p = _prop(analyzer, "Our audit so far shows that no pension money was moved.")
    assert p.predicate.lemma_ == "move"
    known = _prop(analyzer, "We now know that pension money was moved, and we are sorry.")
    assert known.predicate.lemma_ == "move"


def test_a_sentence_that_only_judges_leaves_the_claim_to_the_next(analyzer):
    p = _prop(analyzer, "The photographs speak for themselves. Fences were cut at the depot.")
    assert p.predicate.lemma_ == "cut" and "T:fence" in p.arguments


def test_what_a_participle_says_a_noun_did_is_the_predicate(analyzer):
    p = _prop(analyzer, "fans throwing flares onto the pitch during the second half")
    assert p.predicate.lemma_ == "throw" and p.agent == "T:fan"


def test_a_content_about_a_report_that_says_something_of_its_own_is_not_the_reports_claim(analyzer):
    assert _prop(analyzer, "residents had been frightened by the report").anaphoric is False
    assert _prop(analyzer, "the accusations are baseless").anaphoric is True


def test_reporting_an_accusation_then_calling_it_untrue_denies_it(analyzer):
    text = '"The tenants say we raised the rents twice. That is simply not true," said Mona Petrakis, the landlord.'
    statement = _one(analyzer, text, "raised the rents")
    assert statement.stance is Stance.DENY
    agreed = '"The tenants say we raised the rents twice. That is right," said Mona Petrakis, the landlord.'
    statement = _one(analyzer, agreed, "raised the rents")
    assert statement.stance is not Stance.DENY


def test_an_employer_name_may_hold_and_or_of():
    assert _named_employer(["general secretary of the Brewers and Maltsters Union"]) == "Brewers and Maltsters Union"
    assert _named_employer(["deputy governor of the Bank of Ostrava"]) == "Bank of Ostrava"


def test_a_direct_denial_against_an_affirmation_is_a_contradiction_and_a_surname_keeps_its_side(db_url):
    first = {
        "title": "Clash over depot fences",
        "published": "2025-03-03",
        "text": (
            "Kelso District Police said on Monday that activists had cut fences at the Brannock fuel depot.\n\n"
            "The Fuel Free Kelso group disputed that. "
            '"Our volunteers did not cut any fence. We were on the road the whole time," said its spokeswoman, '
            "Ailsa Mowbray."
        ),
    }
    second = {
        "title": "Depot protest group stands by its account",
        "published": "2025-03-06",
        "text": (
            "Ms. Mowbray said on Thursday that no fences had been cut by the group's volunteers.\n\n"
            "The depot reopened on Wednesday."
        ),
    }
    with Record(db_url) as record:
        record.ingest_documents([first, second])
        contradictions = record.store.list_reversals(kind="contradiction")
        reversals = record.store.list_reversals(kind="reversal")
    # (the small model tags "District Police" alone, "Kelso" as a place)
    pairs = [c.actor.split(" / ") for c in contradictions]
    assert any("District Police" in a and "Fuel Free Kelso" in d for a, d in pairs), pairs
    assert reversals == []


def test_a_negated_subject_the_parser_hangs_on_an_aside_still_denies(analyzer):
    text = (
        "Brevia's transport ministry rejected the report. "
        '"No Brevian ferry, old or new, has been withdrawn. All our ferries sailed today," '
        "ministry spokesman Oskar Lenz said."
    )
    statement = _one(analyzer, text, "ferry")
    assert statement.stance is Stance.DENY
    # an official of a state the gazetteer does not know speaks for the state whose body was just named
    assert statement.side_name == "Brevia"


def test_a_state_body_named_by_its_place_speaks_for_the_place():
    from onrecord.claims.timeline import side_of
    from onrecord.model import Actor, ActorType

    ministry = Actor(id="a1", name="Brevia's defence ministry", type=ActorType.GROUP)
    assert side_of(ministry, None).name == "Brevia"
    company = Actor(id="a2", name="Brevia's Ferry Company", type=ActorType.ORGANIZATION)
    assert side_of(company, None).name != "Brevia"


def test_reporting_a_rumour_then_saying_the_opposite_denies_it(analyzer):
    text = '"People keep saying I sold my shares. I did not sell a single share," said Tobias Renn.'
    statement = _one(analyzer, text, "sold my shares")
    assert statement.stance is Stance.DENY
    moved_on = '"People keep saying I sold my shares. I will buy more in May," said Tobias Renn.'
    statement = _one(analyzer, moved_on, "sold my shares")
    assert statement.stance is not Stance.DENY


def test_she_in_a_speakers_own_quoted_words_is_someone_else(analyzer):
    quoted = '"She is cheating," the rival coach, Bruno Assante, said.'
    reported = "Marta Ilves said she would run the marathon in April."
    p = proposition(analyzer.nlp(quoted), 0, len('"She is cheating,"'), speaker_key="N:assante", speaker_kind="person")
    assert p.agent != "N:assante"
    start = reported.index("she")
    q = proposition(analyzer.nlp(reported), start, len(reported) - 1, speaker_key="N:ilves", speaker_kind="person")
    assert q.agent == "N:ilves"


def test_a_pronoun_after_a_quotation_is_not_someone_the_quotation_names(analyzer):
    text = (
        "Former party chairman Ed Marlowe spoke to reporters on Monday.\n\n"
        '"Tomas Berger will never withdraw from the race," he said.'
    )
    statement = _one(analyzer, text, "withdraw from the race")
    assert statement.speaker_name == "Ed Marlowe"

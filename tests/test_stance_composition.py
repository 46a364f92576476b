"""A statement's stance composed from its speech act and its content's
polarity: "said there is no X" denies X as "denied X" does, and a
continuation quote has a stance of its own (issue: negated content was
labelled affirm, and continuation quotes neutral)."""

import pytest

from onrecord.analysis import Analyzer
from onrecord.ingest.draft import Draft, IngestOptions, finish
from onrecord.model import Stance


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


def stance_of(analyzer, text, content_part):
    article = finish(Draft(text=text, source_ref="test"), IngestOptions(languages=()))
    statements = analyzer.analyze_article(article).statements
    found = [s for s in statements if content_part in s.content.text]
    assert found, [(s.speaker_name, s.content.text) for s in statements]
    return found[0].stance


@pytest.mark.parametrize(
    "text, part, expected",
    [
        ("A company spokesman said there is no safety issue with the Vantis brakes.", "no safety issue", Stance.DENY),
        ('"We are not in discussions with Ostmark," spokesman Erik Lunde said.', "not in discussions", Stance.DENY),
        ("The president said Mexico would not pay for the wall.", "would not pay", Stance.DENY),
        ("The minister said the government had never sold weapons to the rebels.", "never sold", Stance.DENY),
        ("The club said nobody had been paid to lose the match.", "nobody had been paid", Stance.DENY),
        ("The union said it had no plans to strike before the summer.", "no plans", Stance.DENY),
        # affirmative contents stay affirm, even with a negation in a later clause or sentence
        ("The minister said the plant would close in March.", "plant would close", Stance.AFFIRM),
        (
            '"Yes, we are talking to Ostmark. There is no certainty of a deal," Ingrid Saether said.',
            "talking to Ostmark",
            Stance.AFFIRM,
        ),
        (
            "The mayor said the library would close because the city could not afford repairs.",
            "library would close",
            Stance.AFFIRM,
        ),
        # a hedged negation qualifies, it does not deny
        ("Rendell said surrogates are not necessarily decisive in persuasion.", "not necessarily", Stance.QUALIFY),
        ("The minister said the report was not entirely accurate.", "not entirely accurate", Stance.QUALIFY),
        # "not A but B" affirms B; a denial joined by "but" to another clause stays a denial
        ("She wrote that the wall is not a provocation, but a neighbourly idea.", "neighbourly idea", Stance.AFFIRM),
        (
            "The minister said the government did not sell the licences, but it leased two boats.",
            "did not sell",
            Stance.DENY,
        ),
    ],
)
def test_content_polarity_sets_the_stance(analyzer, text, part, expected):
    assert stance_of(analyzer, text, part) is expected


def test_continuation_quote_has_its_own_stance(analyzer):
    affirms = (
        '"We gave a limited number of drones to Russia," foreign minister Ali Karimi said on Saturday.\n\n'
        '"They were sent in small batches over the summer."'
    )
    assert stance_of(analyzer, affirms, "sent in small batches") is Stance.AFFIRM
    denies = (
        '"There is no truth to these reports," foreign minister Ali Karimi said on Sunday.\n\n'
        '"We have sent nothing to Russia since the war began."'
    )
    assert stance_of(analyzer, denies, "sent nothing") is Stance.DENY


def test_a_claims_text_drops_only_the_negation_its_stance_reads():
    """ "Checked the quay and found no damage": the "no" is the second
    clause's, so the claim keeps it and the statement affirms it (the text
    without it would have the authority affirm that damage was found)."""
    from onrecord.analysis import analyze

    def read(text: str) -> tuple[str, str]:
        found = analyze(text)
        [statement] = found.statements
        claim = next(c for c in found.claims if c.id == statement.claim_id)
        return statement.stance.value, claim.text

    stance, claim = read(
        "The authority said its inspectors had checked the quay on Sunday and found no damage to any vessel."
    )
    assert stance == "affirm" and "found no damage" in claim
    stance, claim = read("The bank said it would not sell its insurance arm.")
    assert stance == "deny" and claim == "It would sell its insurance arm"


def test_not_knowing_an_open_question_takes_no_side(analyzer):
    """ "I don't know what it's going to take" (read on a random PolNeAR
    article) says the speaker does not know, not that anything is false;
    a denied knowledge ("did not know about the payments") and "I don't
    think X" still deny."""
    from onrecord.analysis import analyze

    def stance(text: str) -> str:
        [statement] = analyze(text).statements
        return statement.stance.value

    assert stance("\"I don't know what it's going to take,\" Durbin said.") == "neutral"
    assert stance("Durbin said he did not know whether the bill would pass.") == "neutral"
    assert stance("Durbin said he did not know about the payments.") == "deny"
    assert stance('"I don\'t think the bill will pass," Durbin said.') == "deny"

"""Who a position belongs to: a company's spokesman and its chief executive
speak for the company, so its denial one week and its chief's confirmation
later are the company's reversal, across articles, on both databases."""

from onrecord.claims.timeline import _employer_of_role_name
from onrecord.record import Record


def test_a_role_that_names_its_employer_speaks_for_it():
    assert _employer_of_role_name("Corvane Group's chief executive") == "Corvane Group"
    assert _employer_of_role_name("the chief executive of Orvin Motors") == "Orvin Motors"
    assert _employer_of_role_name("a spokeswoman for the Port Authority") == "Port Authority"
    assert _employer_of_role_name("Bank of England") is None
    assert _employer_of_role_name("The Mayor of London") is None


def test_denial_then_the_chief_executives_confirmation_is_the_companys_reversal(db_url):
    first = {
        "title": "Corvane denies merger talks",
        "published": "2024-04-02",
        "text": (
            "Corvane Group on Tuesday denied that it was in talks to buy Lindqvist Paper, after a newspaper report "
            "sent Lindqvist's shares up 11 percent.\n\n"
            "Lindqvist Paper declined to comment."
        ),
    }
    second = {
        "title": "Corvane chief confirms talks",
        "published": "2024-04-24",
        "text": (
            "Corvane Group's chief executive confirmed on Wednesday that the company was in talks to buy "
            "Lindqvist Paper, three weeks after the group dismissed a press report of the discussions.\n\n"
            "Analysts said a deal would give Corvane a foothold in packaging."
        ),
    }
    with Record(db_url) as record:
        record.ingest_documents([first, second])
        reversals = record.store.list_reversals(kind="reversal")
    assert [(r.actor, r.from_stance, r.to_stance) for r in reversals] == [("Corvane Group", "deny", "affirm")]


def test_an_organisation_name_is_never_a_person():
    """ "Halvorsen Group" (no entity) and "Ostmark Foods" (tagged PERSON by the
    small model) were made people, and a person speaks for no one but
    themselves, so the company's denial and its later admission were two sides."""
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import Draft, IngestOptions, finish
    from onrecord.model import ActorType

    text = (
        "Halvorsen Group on Tuesday denied that it was in talks to acquire Ostmark Foods.\n\n"
        "Ostmark Foods said it did not comment on market rumours."
    )
    analysis = Analyzer().analyze_article(finish(Draft(text=text, source_ref="t"), IngestOptions(languages=())))
    types = {a.name: a.type for a in analysis.actors}
    assert types.get("Halvorsen Group") is ActorType.ORGANIZATION, types
    assert types.get("Ostmark Foods") is ActorType.ORGANIZATION, types
    sides = {s.speaker_name: s.side for s in analysis.statements}
    assert sides["Halvorsen Group"] == "org:halvorsen group"


def test_an_executive_whose_employer_goes_unnamed_speaks_for_the_company_of_the_story():
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import Draft, IngestOptions, finish

    text = (
        "Tessaline Telecom said on Friday that it had been the target of a cyberattack.\n\n"
        '"We now know that customer data was accessed," chief executive Daniel Ferro said. '
        "Tessaline Telecom has 3.1 million customers.\n\n"
        "President Anna Berg said the government would study the case."
    )
    analysis = Analyzer().analyze_article(finish(Draft(text=text, source_ref="t"), IngestOptions(languages=())))
    sides = {s.speaker_name: s.side for s in analysis.statements}
    assert sides["Daniel Ferro"] == "org:tessaline telecom"
    assert sides["Anna Berg"] != "org:tessaline telecom"  # a president is no company's


def test_a_bare_role_speaks_for_the_institution_of_the_story():
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import Draft, IngestOptions, finish

    text = (
        "Harrowgate University rejected reports that it would close its philosophy department.\n\n"
        "The provost confirmed on Tuesday that Harrowgate University would close the department. "
        "Provost Alasdair Kemp said the decision was final.\n\n"
        "A spokeswoman said the university would help affected students."
    )
    analysis = Analyzer().analyze_article(finish(Draft(text=text, source_ref="t"), IngestOptions(languages=())))
    sides = {s.speaker_name: s.side for s in analysis.statements}
    assert "Alasdair Kemp" in sides and "A spokeswoman" in sides, sides  # "the provost" is Kemp
    assert set(sides.values()) == {"org:harrowgate university"}, sides


def test_an_editors_brackets_are_not_part_of_a_name():
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import Draft, IngestOptions, finish

    text = '"Trump is doing the same thing with [Bob] Corker, with Newt [Gingrich]," Teal Baker said.'
    analysis = Analyzer().analyze_article(finish(Draft(text=text, source_ref="t"), IngestOptions(languages=())))
    names = {a.name for a in analysis.actors}
    assert not any("[" in n or "]" in n for n in names), names


def test_a_club_named_short_and_in_full_is_one_side(db_url):
    # "Kelsby" in one article and "AC Kelsby" in the next are one club
    first = {
        "title": "Kelsby deny bid",
        "published": "2024-06-03",
        "text": (
            "AC Kelsby on Monday denied making an offer for Dorn City defender Ilir Maxhuni.\n\n"
            "Dorn City declined to comment."
        ),
    }
    second = {
        "title": "Kelsby sign Maxhuni",
        "published": "2024-07-20",
        "text": (
            "Kelsby confirmed on Saturday that it had made an offer for Dorn City defender Ilir Maxhuni in May.\n\n"
            "Dorn City said the fee was a club record."
        ),
    }
    with Record(db_url) as record:
        record.ingest_documents([first, second])
        reversals = record.store.list_reversals(kind="reversal")
    assert [(r.from_stance, r.to_stance) for r in reversals] == [("deny", "affirm")]
    assert "Kelsby" in reversals[0].actor


def test_a_chief_executive_does_not_speak_for_a_state_body_named_in_the_story():
    from onrecord.analysis import analyze

    # the company is named twice, the Norwegian authority twice: the chief
    # executive speaks for the company, and the company is not a state body
    a = analyze(
        "Pellory on Tuesday confirmed that its servers had been breached, a week after it called the "
        'reports "nonsense."\n\n"We were breached," chief executive Ruth Amsel said in a video message.'
        "\n\nMs. Amsel said the firm had told the Norwegian data authority. The Norwegian authority said it "
        "had opened an inquiry.",
        title="Pellory confirms breach",
    )
    sides = {(s.speaker_name, s.side) for s in a.statements}
    assert ("Ruth Amsel", "org:pellory") in sides and ("Pellory", "org:pellory") in sides
    assert ("The Norwegian authority", "state:NOR") in sides

"""When a statement was made: numbers that are ages, counts or amounts are
never years (found on real news: "Mr. Regalado, 69, said ..." was dated 1969)."""

import datetime as dt

import pytest

from onrecord.nlp.dates import statement_time
from onrecord.nlp.pipeline import load_pipeline

PUBLISHED = dt.date(2024, 5, 15)  # a Wednesday


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def when(nlp, text, cue, content):
    doc = nlp(text)
    start = text.index(content)
    return statement_time(doc, text.index(cue), (start, start + len(content)), PUBLISHED)


@pytest.mark.parametrize(
    "text",
    [
        "Uwe Kranz, 62, said workshops had enough parts for the first vehicles.",
        "Mr. Regalado, 69, said the city would appeal the ruling.",
        "The chairman, aged 71, said the club would not sell its stadium.",
        "Ana Ruiz, a 45-year-old nurse, said the ward was short of staff.",
        "Ingrid Saether, 56 years old, said the talks were at an early stage.",
    ],
)
def test_an_age_is_not_a_date(nlp, text):
    cue = " said "
    t = when(nlp, text, cue.strip(), text.split(cue, 1)[1].rstrip("."))
    assert t.value is None and t.start is None and t.text is None, (t, text)


def test_a_real_date_beside_an_age_is_kept(nlp):
    text = "Uwe Kranz, 62, said on Monday that workshops had enough parts."
    t = when(nlp, text, "said", "that workshops had enough parts")
    assert t.value == dt.date(2024, 5, 13) and t.text == "on Monday"


def test_a_year_is_still_a_date(nlp):
    text = "The company said in 2019 that the plant would stay open."
    t = when(nlp, text, "said", "that the plant would stay open")
    assert t.text is not None and "2019" in t.text


def test_a_time_phrase_after_the_cue_dates_the_saying(nlp):
    """ "said in March it would not raise fees": the parser hangs "in March" on
    "raise"; it dates the saying, and the content starts at "it"."""
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import Draft, IngestOptions, finish

    text = "Harwick College said in March it would not raise its fees for students starting in 2025."
    article = finish(Draft(text=text, source_ref="test", published=PUBLISHED), IngestOptions(languages=()))
    (statement,) = Analyzer().analyze_article(article).statements
    assert statement.content.text.startswith("it would not raise")
    assert statement.date_text == "in March" and (statement.date.year, statement.date.month) == (2024, 3)


def test_a_present_tense_cue_is_not_dated_by_another_event_in_its_sentence():
    # "who was adopted in 1981" dates the adoption, not the saying
    from onrecord.analysis import Analyzer
    from onrecord.ingest.draft import Draft, IngestOptions, finish

    text = (
        "Monte Haines, who was adopted from South Korea in 1981, says his family assumed the adoption "
        "made him a citizen.\n\nOn Monday, Haines said he would appeal."
    )
    draft = Draft(text=text, source_ref="test", published=dt.date(2016, 9, 6))
    a = Analyzer().analyze_article(finish(draft, IngestOptions(languages=())))
    says = next(s for s in a.statements if "his family assumed" in s.content.text)
    assert says.date is None or says.date.year == 2016
    said = next(s for s in a.statements if "would appeal" in s.content.text)
    assert said.date is not None and said.date.year == 2016

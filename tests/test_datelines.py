"""A wire dateline ("OSLO, March 5 (Nordwire) - ...") is not the subject of the
lede that follows it: the parser made "STUTTGART" the speaker of "Kessler
Motors said ..." until the dateline was set off as its own sentence."""

import pytest

from onrecord.analysis import Analyzer
from onrecord.ingest.draft import Draft, IngestOptions, finish


@pytest.fixture(scope="module")
def analyzer():
    return Analyzer()


@pytest.mark.parametrize(
    "dateline",
    [
        "STUTTGART, May 14 (Autowire) - ",
        "OSLO, March 5 (Nordwire) - ",
        "LINDAU - ",
        "NEW YORK (AP) — ",
        "SAN JUAN, Puerto Rico, Jan. 4 – ",
    ],
)
def test_dateline_is_not_the_speaker(analyzer, dateline):
    text = (
        dateline + "Kessler Motors said on Tuesday it would recall 38,000 vehicles to replace a brake hose.\n\n"
        "The recall covers cars built since March 2022."
    )
    article = finish(Draft(text=text, source_ref="test"), IngestOptions(languages=()))
    statements = analyzer.analyze_article(article).statements
    speakers = [s.speaker_name for s in statements if "recall 38,000" in s.content.text]
    assert speakers == ["Kessler Motors"], [(s.speaker_name, s.content.text) for s in statements]

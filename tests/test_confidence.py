"""Statement and speaker confidence (nlp.confidence): scored on every
statement, kept by the store, filtered by the CLI's and the API's
min_confidence. Real model, real database."""

from __future__ import annotations

import pytest

from onrecord.analysis import analyze
from onrecord.nlp.confidence import confidence_of
from onrecord.record import Record

# Written for this test: a full-named direct quotation, a "he" that could be
# either of two men named just before, and a bare noun phrase quoted alone.
TEXT = (
    "BRANDVIK, May 4 - The town council will close the Elm Street library in June, "
    "council leader Marta Olsen said on Tuesday.\n\n"
    '"We have no money left for a second branch," Olsen told reporters.\n\n'
    "Tomas Berg, who runs the reading club, met Henrik Lund, a retired teacher, outside the library. "
    "He said the closure was a mistake.\n\n"
    'Some residents called it a "shameful" decision.\n'
)


@pytest.fixture(scope="module")
def statements():
    return analyze(TEXT).statements


def _by_content(statements, words: str):
    return next(s for s in statements if words in s.content.text)


def test_every_statement_is_scored_as_a_probability(statements):
    assert statements
    for statement in statements:
        assert statement.confidence is not None and 0.0 < statement.confidence < 1.0
        if statement.speaker_name is not None:
            assert statement.speaker_confidence is not None and 0.0 < statement.speaker_confidence < 1.0


def test_a_named_quotation_is_surer_than_a_quoted_word(statements):
    quotation = _by_content(statements, "no money left")
    assert quotation.confidence > 0.5
    word = [s for s in statements if s.content.text.strip('“”"') == "shameful"]
    if word:  # a lone quoted adjective, if the rules take it at all, is far less sure
        assert word[0].confidence < quotation.confidence


def test_a_pronoun_between_two_men_is_less_sure_than_a_surname(statements):
    by_surname = _by_content(statements, "no money left")
    ambiguous = _by_content(statements, "closure was a mistake")
    assert ambiguous.speaker_confidence < by_surname.speaker_confidence


def test_without_features_there_is_no_speaker_score():
    scores = confidence_of((["kind=direct", "frame=quote"], None))
    assert scores is not None and scores.speaker is None and 0.0 < scores.statement < 1.0


def test_the_store_keeps_the_scores_and_filters_by_them(db_url, tmp_path):
    path = tmp_path / "brandvik.txt"
    path.write_text(TEXT, encoding="utf-8")
    with Record(db_url) as record:
        record.ingest([str(path)])
        stored = list(record.statements(limit=100))
        analysed = {s.content.text: s for s in analyze(TEXT).statements}
        assert stored and all(row.confidence is not None for row in stored)
        for row in stored:
            if row.content_text in analysed:
                assert row.confidence == pytest.approx(analysed[row.content_text].confidence)
                assert row.speaker_confidence == pytest.approx(analysed[row.content_text].speaker_confidence)
        cut = sorted(row.confidence for row in stored)[len(stored) // 2]
        kept = list(record.statements(min_confidence=cut, limit=100))
        assert kept and len(kept) < len(stored) or cut == min(r.confidence for r in stored)
        assert all(row.confidence >= cut for row in kept)
        sure_speakers = list(record.statements(min_speaker_confidence=0.99, limit=100))
        assert all(row.speaker_confidence >= 0.99 for row in sure_speakers)


def test_the_api_and_the_cli_filter_by_confidence(sqlite_url, tmp_path):
    from fastapi.testclient import TestClient
    from typer.testing import CliRunner

    from onrecord.api.app import create_app
    from onrecord.cli import app

    path = tmp_path / "brandvik.txt"
    path.write_text(TEXT, encoding="utf-8")
    with Record(sqlite_url) as record:
        record.ingest([str(path)])
    with TestClient(create_app(sqlite_url, token="")) as client:
        every = client.get("/api/statements").json()["items"]
        assert every and all(0.0 < item["confidence"] < 1.0 for item in every)
        top = max(item["confidence"] for item in every)
        sure = client.get("/api/statements", params={"min_confidence": top}).json()["items"]
        assert [item["confidence"] for item in sure] == [top] * len(sure) and len(sure) < len(every)
        assert client.get("/api/statements", params={"min_confidence": 1.5}).status_code == 422
    runner = CliRunner()
    shown = runner.invoke(app, ["statements", "--db", sqlite_url, "--min-confidence", str(top), "--format", "json"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.count('"confidence"') == len(sure)
    refused = runner.invoke(app, ["statements", "--db", sqlite_url, "--min-confidence", "2"])
    assert refused.exit_code != 0

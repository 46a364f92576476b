"""The one reader of the data files: every lexicon and code table reads,
and a malformed line is an error naming its file and line."""

from __future__ import annotations

import sys

import pytest

from onrecord import lexicons
from onrecord.claims.predicates import lexicon, word_lists
from onrecord.claims.propositions import generic_organisations, name_first_words
from onrecord.claims.stance import text_signals
from onrecord.claims.timeline import side_roles
from onrecord.events.coder import goal_digits, mode_table, patterns
from onrecord.events.codes import cameo_codes
from onrecord.ingest.text import boilerplate_rules
from onrecord.nlp.cues import cue_lexicon
from onrecord.nlp.geo import gazetteer, role_sectors
from onrecord.nlp.identity import name_titles
from onrecord.nlp.pipeline import title_abbreviations
from onrecord.nlp.speakers import organisation_words, representatives, speech_documents
from onrecord.nlp.statements import DOCUMENT_NOUNS, claim_nouns


def test_every_data_file_reads_through_the_one_loader():
    assert cue_lexicon()["deny"].speech_act == "deny"
    assert lexicon()["supply"].key == lexicon()["provide"].key
    assert {"generic", "light"} == set(word_lists()) and "be" in word_lists()["generic"]
    assert "company" in generic_organisations() and name_first_words()
    assert text_signals("the minister denied it").has("deny")
    assert "spokesman" in side_roles()["organisation"]
    assert cameo_codes()["042"].name and goal_digits() and mode_table()
    assert patterns()[("visit", False)]
    assert boilerplate_rules() and all(rule.action in ("drop", "cut") for rule in boilerplate_rules())
    assert gazetteer().by_name["Iran"].iso3 == "IRN" and role_sectors()
    assert "mr" in name_titles() and title_abbreviations()
    assert "report" in DOCUMENT_NOUNS and claim_nouns()
    assert organisation_words() and representatives() and speech_documents()


@pytest.fixture
def data_package(tmp_path, monkeypatch):
    package = tmp_path / "lexicon_probe"
    (package / "data").mkdir(parents=True)
    (package / "__init__.py").write_text("")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, "lexicon_probe", raising=False)  # each test's own folder
    return package


def test_comments_and_blank_lines_are_skipped_and_fields_stripped(data_package):
    (data_package / "data" / "table.tsv").write_text(
        "# a note\n\nalpha\t one \t two\t\tthree\n  # an indented note\nbeta\tb\n"
    )
    table = lexicons.rows("lexicon_probe", "table.tsv", least=2, most=3)
    assert [row.fields for row in table] == [("alpha", "one", "two\t\tthree"), ("beta", "b")]
    assert [row.line for row in table] == [3, 5]
    (data_package / "data" / "words.txt").write_text("# words\nred\n green \n")
    assert lexicons.words("lexicon_probe", "words.txt") == {"red", "green"}
    assert lexicons.entries("lexicon_probe", "words.txt") == ("red", "green")


def test_a_line_short_of_fields_is_an_error_naming_its_file_and_line(data_package):
    (data_package / "data" / "cues.tsv").write_text("# lemma, act, frames\nsay\tneutral\tthat\ndeny\tdeny\n")
    with pytest.raises(lexicons.LexiconError, match=r"lexicon_probe/data/cues.tsv line 3: 2 field\(s\) where 3"):
        lexicons.rows("lexicon_probe", "cues.tsv", least=3)

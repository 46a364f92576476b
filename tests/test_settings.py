"""Settings: one object, loadable from a TOML file, passed explicitly to
every stage; no environment variables or logger changes as side effects."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from onrecord.analysis import Analyzer
from onrecord.cli import app
from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.errors import IngestError
from onrecord.ingest.sources import given_article
from onrecord.settings import DEFAULT_SETTINGS, Section, Settings, SettingsError

ARTICLE = """Ministry denies report on grain exports

The agriculture ministry on Monday denied that it had halted grain exports to its neighbours.

"We have not stopped a single shipment and we will not stop them," the minister, Anna Kovac, told reporters.

Kovac said the harvest was the largest in a decade.
"""


def test_every_setting_says_what_it_is_and_the_defaults_round_trip_through_a_file(tmp_path):
    """A setting without a note would be a threshold nobody can check; the
    printed file is one `load` reads back to the same settings."""
    for name, field in Settings.model_fields.items():
        section = getattr(DEFAULT_SETTINGS, name)
        fields = type(section).model_fields.items() if isinstance(section, Section) else [(name, field)]
        for key, inner in fields:
            assert inner.description and len(inner.description) >= 20, f"{name}.{key} has no description"
    text = DEFAULT_SETTINGS.to_toml()
    assert "[claims]" in text and "emergent_group_dev" in text  # the calibration notes are printed
    path = tmp_path / "onrecord.toml"
    path.write_text(text)
    assert Settings.load(path, environ={}) == DEFAULT_SETTINGS
    changed = DEFAULT_SETTINGS.replace(**{"statements.min_quote_words": 2, "ingest.languages": ("en", "de")})
    path.write_text(changed.to_toml(notes=False))
    assert Settings.load(path, environ={}) == changed


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[statements]\nmin_qoute_words = 3\n", "statements.min_qoute_words"),  # misspelt: an error, not ignored
        ("[limits]\ndocument_seconds = 'soon'\n", "limits.document_seconds"),
        ("[claims]\npredicate_snap_threshold = 1.5\n", "claims.predicate_snap_threshold"),
        ("[limits\n", "not valid TOML"),
    ],
)
def test_a_bad_settings_file_is_a_clear_error_naming_the_file_and_the_setting(tmp_path, content, message):
    path = tmp_path / "bad.toml"
    path.write_text(content)
    with pytest.raises(SettingsError, match=message) as raised:
        Settings.load(path, environ={})
    assert str(path) in str(raised.value)


def test_a_missing_settings_file_is_an_error_and_the_environment_names_the_file(tmp_path):
    with pytest.raises(SettingsError, match="no such file"):
        Settings.load(tmp_path / "absent.toml", environ={})
    path = tmp_path / "from-env.toml"
    path.write_text("[speakers]\npronoun_reach_paragraphs = 1\n")
    assert Settings.load(environ={"ONRECORD_CONFIG": str(path)}).speakers.pronoun_reach_paragraphs == 1


def test_the_ingest_thresholds_come_from_the_settings():
    short = "The minister resigned on Monday after the vote."  # 8 words
    assert given_article(short, "t", IngestOptions(languages=())).text == short
    strict = DEFAULT_SETTINGS.replace(**{"ingest.min_words": 20})
    with pytest.raises(IngestError, match="only 8 words"):
        given_article(short, "t", IngestOptions.from_settings(strict, languages=()))


@pytest.mark.slow
def test_the_analyzer_works_under_the_settings_it_is_given():
    article = given_article(ARTICLE, "a", IngestOptions(languages=()))
    default = Analyzer().analyze_article(article)
    kinds = {s.kind.value for s in default.statements}
    assert {"direct", "indirect"} <= kinds, kinds
    # indirect content of fewer than 40 words is no statement under these settings
    strict = Analyzer(settings=DEFAULT_SETTINGS.replace(**{"statements.min_indirect_words": 40}))
    assert strict.settings.statements.min_indirect_words == 40
    found = strict.analyze_article(article)
    assert "indirect" not in {s.kind.value for s in found.statements}
    assert "direct" in {s.kind.value for s in found.statements}


@pytest.mark.slow
def test_the_cli_reads_a_settings_file_from_config_and_from_the_environment(tmp_path, monkeypatch):
    text = tmp_path / "article.txt"
    text.write_text(ARTICLE)
    config = tmp_path / "onrecord.toml"
    config.write_text("[statements]\nmin_indirect_words = 40\n")
    monkeypatch.delenv("ONRECORD_CONFIG", raising=False)

    def kinds(*options: str) -> set[str]:
        result = CliRunner().invoke(app, [*options, "analyze", str(text), "--format", "json"])
        assert result.exit_code == 0, result.output
        return {s["kind"] for s in json.loads(result.stdout)["statements"]}

    assert "indirect" in kinds()
    assert "indirect" not in kinds("--config", str(config))
    monkeypatch.setenv("ONRECORD_CONFIG", str(config))
    assert "indirect" not in kinds()
    config.write_text("[statements]\nmin_indirect_word = 40\n")
    result = CliRunner().invoke(app, ["analyze", str(text)])
    assert result.exit_code == 2 and "min_indirect_word" in result.output


def test_onrecord_settings_prints_the_settings_in_force(tmp_path, monkeypatch):
    monkeypatch.delenv("ONRECORD_CONFIG", raising=False)
    monkeypatch.setenv("ONRECORD_TIME_LIMIT", "12")
    config = tmp_path / "onrecord.toml"
    config.write_text('db = "sqlite:///x.db"\n[claims]\nsame_thing_similarity = 0.3\n')
    result = CliRunner().invoke(app, ["--config", str(config), "settings"])
    assert result.exit_code == 0, result.output
    printed = tmp_path / "printed.toml"
    printed.write_text(result.stdout)
    shown = Settings.load(printed, environ={})
    assert shown.claims.same_thing_similarity == 0.3
    assert shown.limits.document_seconds == 12
    assert shown.db == "sqlite:///x.db"


def test_cli_options_travel_as_settings_not_through_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("ONRECORD_TIME_LIMIT", raising=False)
    monkeypatch.delenv("ONRECORD_FETCH_DEADLINE", raising=False)
    page = tmp_path / "a.txt"
    page.write_text(ARTICLE)
    db = f"sqlite:///{tmp_path / 'r.db'}"
    result = CliRunner().invoke(
        app, ["ingest", str(page), "--db", db, "--no-analyze", "--time-limit", "5", "--fetch-deadline", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "ONRECORD_TIME_LIMIT" not in os.environ and "ONRECORD_FETCH_DEADLINE" not in os.environ


def test_importing_onrecord_changes_no_logger():
    """A library leaves logging to its host: trafilatura's and htmldate's
    loggers keep their level when onrecord's readers are imported."""
    levels = "print(logging.getLogger('trafilatura').level, logging.getLogger('htmldate').level)"
    probes = [
        f"import logging, trafilatura, htmldate\n{levels}",  # what the libraries set themselves
        f"import logging, onrecord.ingest.sources, onrecord.analysis, onrecord.api.app\n{levels}",
    ]
    answers = []
    for probe in probes:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        answers.append(done.stdout.split())
    assert answers[0] == answers[1]
    assert str(logging.CRITICAL) not in answers[1]

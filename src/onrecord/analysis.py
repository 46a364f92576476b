"""One article in, its record out: `analyze` and the `Analysis` it returns.

The record holds the article and what the later stages find in it
(statements, actors, claims, events, reversals), in the record format of the
evaluation kit (FORMAT.md).
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from functools import partial
from typing import Any, overload

from spacy.tokens import Doc

from onrecord.claims.timeline import annotate
from onrecord.events.coder import code_events
from onrecord.events.codes import describe
from onrecord.ingest.draft import IngestOptions
from onrecord.ingest.errors import IngestError
from onrecord.ingest.sources import given_article
from onrecord.limits import DocumentTimeout, time_limit
from onrecord.model import Actor, Article, Claim, Event, Failure, Mention, Reversal, Span, Statement
from onrecord.nlp.confidence import Confidence, confidence_of, features_of
from onrecord.nlp.pipeline import load_pipeline, parseable, windows
from onrecord.nlp.speakers import ActorDraft, SpeakerResolver, to_actors
from onrecord.nlp.statements import FoundStatement, StatementFinder
from onrecord.settings import DEFAULT_SETTINGS, Settings


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
    """Runs the NLP stages over articles, with one loaded pipeline and the
    settings of every stage (`Settings`; the defaults when none are given).
    The model is `model`, else the settings', else $ONRECORD_MODEL, else
    the default English pipeline."""

    def __init__(self, model: str | None = None, *, settings: Settings | None = None) -> None:
        self.settings = settings if settings is not None else DEFAULT_SETTINGS
        self.nlp = load_pipeline(model or self.settings.model)
        self._batch = self.settings.limits.pipe_batch_size
        self._window = self.settings.limits.window_chars

    def _parsed(self, articles: list[Article]) -> Iterator[tuple[Doc, Doc | None]]:
        """Each article's parse and its headline's (None without a title).
        The headlines of a batch are parsed together: one `nlp.pipe` over
        short titles costs less than half of parsing them one by one."""
        headlines = [_headline(article, self._window) for article in articles]
        texts = self.nlp.pipe((_text_to_parse(article) for article in articles), batch_size=self._batch)
        titled = self.nlp.pipe((h for h in headlines if h is not None), batch_size=self._batch)
        return ((doc, next(titled) if headline is not None else None) for doc, headline in zip(texts, headlines))

    def _parses(self, articles: list[Article]) -> Iterator[tuple[Doc, Doc | None] | Exception]:
        """`_parsed`, with what the parser raises in the place of the parse:
        when one `nlp.pipe` over the batch fails, the rest of the batch is
        parsed one by one, so that only the article that breaks it fails."""
        done = 0
        try:
            for parsed in self._parsed(articles):
                yield parsed
                done += 1
        except Exception:  # noqa: BLE001 - which article broke the batch is found below
            for article in articles[done:]:
                try:
                    yield next(self._parsed([article]))
                except Exception as exc:  # noqa: BLE001 - one article never stops a batch
                    yield exc

    def analyze_articles(self, articles: Iterable[Article]) -> Iterator[Analysis]:
        """Analyses in order; an article the analysis fails on raises
        `IngestError` with the reason."""
        for result in self.analyze_items(articles):
            if isinstance(result, Failure):
                raise IngestError(result.reason)
            yield result

    def analyze_items(self, items: Iterable[Article | Failure]) -> Iterator[Analysis | Failure]:
        """Analyses in input order, with failures passed through in their
        place; an article the parse or the analysis fails on becomes a
        failure too, and the batch goes on."""
        for batch in _batched(items, self._batch):
            results = self._analyses([item for item in batch if isinstance(item, Article)])
            for item in batch:
                yield item if isinstance(item, Failure) else next(results)

    def _analyses(self, articles: list[Article]) -> Iterator[Analysis | Failure]:
        """One result per article, in order: the articles of ordinary
        length parsed together, a longer one in windows."""
        together: list[Article] = []
        for article in articles:
            if len(article.text) <= self._window:
                together.append(article)
                continue
            yield from self._analyses_together(together)
            together = []
            yield _analysis_or_failure(article, partial(self._analysis_in_windows, article))
        yield from self._analyses_together(together)

    def _analyses_together(self, articles: list[Article]) -> Iterator[Analysis | Failure]:
        for article, parsed in zip(articles, self._parses(articles)):
            if isinstance(parsed, Exception):
                yield _failure(article, parsed)
                continue
            doc, title_doc = parsed
            work = partial(analyze_doc, doc, article, title_doc, self.settings)
            yield _analysis_or_failure(article, partial(self._limited, work))

    def _analysis_in_windows(self, article: Article) -> Analysis:
        """The record of a long article, parsed and analysed a window at a
        time (memory and time grow with the window, not the article); the
        time limit holds for each window's analysis."""
        text = _text_to_parse(article)
        headline = _headline(article, self._window)
        title_doc = self.nlp(headline) if headline is not None else None
        pieces = list(windows(text, self._window))
        docs = self.nlp.pipe((piece for _, piece in pieces), batch_size=self.settings.limits.window_pipe_batch)
        merged = WindowMerger(article)
        for (offset, piece), doc in zip(pieces, docs):
            window = replace(article, text=article.text[offset : offset + len(piece)])
            heading = title_doc if offset == 0 else None
            part = self._limited(partial(analyze_doc, doc, window, heading, self.settings))
            merged.add(offset, piece, part)
        return merged.analysis

    def analyze_article(self, article: Article) -> Analysis:
        return next(self.analyze_articles([article]))

    def _limited(self, work: Callable[[], Analysis]) -> Analysis:
        with time_limit("the analysis", self.settings.limits.document_seconds):
            return work()


def _text_to_parse(article: Article) -> str:
    """The article's text as the parser reads it: the same length (every
    offset is the text's). A text kept verbatim often starts with its
    headline; that line is parsed in sentence case, as the headline is (in
    title case the parser makes names of its words: "Trump Says He Never")."""
    text = parseable(article.text)
    first, newline, rest = text.partition("\n")
    if article.title and newline and _title_key(first) == _title_key(article.title):
        return sentence_case(first, rest) + newline + rest
    return text


def _title_key(line: str) -> str:
    return " ".join(line.casefold().split()).rstrip(".!?:;,")


def _headline(article: Article, most_chars: int) -> str | None:
    """What the parser is given of the title: sentence-cased, runs of
    punctuation blanked; None without a title, or for one too long to be a
    headline (over `most_chars`)."""
    if not article.title or len(article.title) > most_chars:
        return None
    return parseable(sentence_case(article.title, _body(article)))


def _body(article: Article) -> str:
    """The text without its first line when that line is the title again
    (whose words would all look like names)."""
    first, newline, rest = article.text.partition("\n")
    return rest if article.title and newline and _title_key(first) == _title_key(article.title) else article.text


def _analysis_or_failure(article: Article, work: Callable[[], Analysis]) -> Analysis | Failure:
    try:
        return work()
    except Exception as exc:  # noqa: BLE001 - one article never stops a batch
        return _failure(article, exc)


def _failure(article: Article, exc: Exception) -> Failure:
    if isinstance(exc, DocumentTimeout):
        return Failure(article.source_ref, str(exc), stage="analyze")
    return Failure(article.source_ref, f"analysis failed ({type(exc).__name__}: {exc})", stage="analyze")


_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n")  # as StatementFinder numbers paragraphs


class WindowMerger:
    """One article's record from the records of its windows, added in text
    order: spans moved to the whole text, sentence and paragraph numbers run
    on, ids numbered through. An actor (same type and name) or a claim (same
    frame and participants, or the same text) met in two windows is one.
    Reversals stay those found within a window; the store works them out
    again over every statement of their claims."""

    def __init__(self, article: Article) -> None:
        self.analysis = Analysis(article=article)
        self._actors: dict[tuple[str, str], Actor] = {}
        self._claims: dict[tuple, Claim] = {}
        self._paragraphs = 0

    def add(self, offset: int, piece: str, part: Analysis) -> None:
        principals = [(actor, actor.represents) for actor in part.actors]
        actor_ids = {actor.id: self._actor(actor) for actor in part.actors}
        merged = {a.id: a for a in self._actors.values()}
        for actor, principal in principals:
            agent = merged[actor.id] if actor.id in merged and merged[actor.id] is actor else None
            if agent is not None:  # new here: its principal's id is this window's
                agent.represents = actor_ids.get(principal) if principal else None
        statement_ids = {h.id: h.id for h in part.headline}  # the first window's only: it has the title
        for statement in part.statements:
            statement_ids[statement.id] = f"s{len(self.analysis.statements) + 1}"
            self.analysis.statements.append(statement)
        self.analysis.headline += part.headline
        claim_ids = {claim.id: self._claim(claim, statement_ids) for claim in part.claims}
        for statement in part.statements:
            _move_statement(statement, offset, self.analysis.sentences, self._paragraphs)
        for statement in part.statements + part.headline:
            statement.id = statement_ids[statement.id]
            statement.actor_id = actor_ids.get(statement.actor_id) if statement.actor_id is not None else None
            statement.claim_id = claim_ids.get(statement.claim_id) if statement.claim_id is not None else None
            statement.side = _renamed_side(statement.side, actor_ids)
        for event in part.events:
            event.span = _moved(event.span, offset)
            event.reported_by = statement_ids.get(event.reported_by) if event.reported_by is not None else None
            self.analysis.events.append(event)
        for reversal in part.reversals + part.contradictions:
            reversal.claim_id = claim_ids.get(reversal.claim_id, reversal.claim_id)
            reversal.before = [statement_ids.get(i, i) for i in reversal.before]
            reversal.after = [statement_ids.get(i, i) for i in reversal.after]
            reversal.side = _renamed_side(reversal.side, actor_ids) or ""
        self.analysis.reversals += part.reversals
        self.analysis.contradictions += part.contradictions
        self.analysis.sentences += part.sentences
        self._paragraphs += len(_PARAGRAPH_BREAK.findall(piece))
        self.analysis.actors = list(self._actors.values())
        self.analysis.claims = list(self._claims.values())

    def _actor(self, actor: Actor) -> str:
        known = self._actors.get((actor.type.value, actor.name))
        if known is None:
            actor.id = f"a{len(self._actors) + 1}"
            self._actors[(actor.type.value, actor.name)] = actor
            return actor.id
        known.roles += [role for role in actor.roles if role not in known.roles]
        known.aliases = sorted(set(known.aliases) | set(actor.aliases))
        known.country, known.sector = known.country or actor.country, known.sector or actor.sector
        return known.id

    def _claim(self, claim: Claim, statement_ids: dict[str, str]) -> str:
        key = (
            (claim.frame, tuple(sorted(claim.terms)), tuple(sorted(claim.recipients)))
            if claim.frame and claim.terms
            else (None, claim.text.lower())
        )
        said = [statement_ids.get(i, i) for i in claim.statement_ids]
        known = self._claims.get(key)
        if known is None:
            claim.id, claim.statement_ids = f"c{len(self._claims) + 1}", said
            self._claims[key] = claim
            return claim.id
        known.statement_ids += said
        return known.id


def _move_statement(statement: Statement, offset: int, sentences: int, paragraphs: int) -> None:
    """A window's statement, placed in the whole text."""
    for name in ("content", "speaker", "cue"):
        mention = getattr(statement, name)
        if mention is not None:
            parts = [_moved(p, offset) for p in mention.parts] if mention.parts else None
            setattr(statement, name, Mention(mention.text, _moved(mention.span, offset), parts))
    if statement.sentence_index is not None:
        statement.sentence_index += sentences
    if statement.paragraph_index is not None:
        statement.paragraph_index += paragraphs


@overload
def _moved(span: Span, offset: int) -> Span: ...
@overload
def _moved(span: Span | None, offset: int) -> Span | None: ...
def _moved(span: Span | None, offset: int) -> Span | None:
    return (span[0] + offset, span[1] + offset) if span else span


def _renamed_side(side: str | None, actor_ids: dict[str, str]) -> str | None:
    """A side of one window ("actor:a3") in the ids of the whole record."""
    if side and side.startswith("actor:"):
        return "actor:" + actor_ids.get(side.removeprefix("actor:"), side.removeprefix("actor:"))
    return side


def analyze_doc(
    doc: Doc, article: Article, title_doc: Doc | None = None, settings: Settings = DEFAULT_SETTINGS
) -> Analysis:
    """The record of one parsed article: statements and their speakers (and,
    given the parse of its sentence-cased headline, the headline's
    statements), their claims and changes of position, and events. `doc` is
    the parse of `article.text` or of a copy of the same length (`parseable`)."""
    found = find_statements(doc, article.text, settings, title_doc, article.title)
    claims, reversals = annotate(
        doc, found.statements, found.headline, found.actors, article.published, title_doc, settings.claims
    )
    return Analysis(
        article=article,
        sentences=found.sentences,
        statements=found.statements,
        headline=found.headline,
        actors=found.actors,
        claims=claims,
        events=code_events(doc, found.statements, found.actors),
        reversals=[r for r in reversals if r.kind != "contradiction"],
        contradictions=[r for r in reversals if r.kind == "contradiction"],
    )


@dataclass
class FoundStatements:
    """A document's statements (and its headline's), with their speakers
    resolved to the document's actors."""

    statements: list[Statement]
    headline: list[Statement]
    actors: list[Actor]
    sentences: int
    # each statement's confidence features (nlp.confidence), when asked for
    features: list[tuple[list[str], list[str] | None]] | None = None


def find_statements(
    doc: Doc,
    text: str,
    settings: Settings = DEFAULT_SETTINGS,
    title_doc: Doc | None = None,
    title: str | None = None,
    with_features: bool = False,
) -> FoundStatements:
    """The statements of a parsed text and the actors who make them; given
    the parse of its headline and the headline itself, the headline's too
    (their spans index the title). `text` is what the statements quote: the
    text parsed, or the text the parse was made of a same-length copy of.
    Each statement carries its confidence scores; `with_features` keeps the
    features they were computed from (for training them)."""
    finder = StatementFinder(doc, settings.statements)
    found = finder.find()
    resolver = SpeakerResolver(doc, finder.paragraph_index, settings.speakers)
    resolved = resolver.resolve(found)
    # scored before the headline adds its mentions: as the training script sees it
    features = [
        features_of(item, doc, text, path, name, actor, resolver)
        for item, path, (name, actor) in zip(found, resolver.paths, resolved)
    ]
    # the headline's speakers are resolved before the actors are listed: a
    # speaker only the headline names is an actor too
    in_headline = _headline_found(title_doc, resolver, settings) if title_doc is not None and title else []
    actors, actor_ids = to_actors(resolver.actors())
    statements = [
        _statement(f"s{number}", item, text, name, actor, actor_ids, confidence_of(feats))
        for number, (item, (name, actor), feats) in enumerate(zip(found, resolved, features), start=1)
    ]
    headline = [
        _statement(f"h{number}", item, title or "", name, actor, actor_ids, None)
        for number, (item, (name, actor)) in enumerate(in_headline, start=1)
    ]
    return FoundStatements(statements, headline, actors, len(finder.sentences), features if with_features else None)


def _headline_found(
    title_doc: Doc, resolver: SpeakerResolver, settings: Settings
) -> list[tuple[FoundStatement, tuple[str | None, ActorDraft | None]]]:
    """The headline's statements with a speaker, resolved among the
    article's people (the sentence-cased copy has the title's offsets)."""
    found = []
    for item in StatementFinder(title_doc, settings.statements).find():
        if item.speaker is not None:
            name, actor = resolver.resolve_mention(item.speaker)
            if actor is not None:
                actor.speaks = True
            found.append((item, (name, actor)))
    return found


def _statement(
    statement_id: str, item: FoundStatement, text: str, name, actor, actor_ids, confidence: Confidence | None
) -> Statement:
    parts: list[Span] = [(start, end) for start, end in item.content]
    hull = (parts[0][0], parts[-1][1])
    speaker = None
    if item.speaker is not None:
        speaker = Mention(
            text[item.speaker.start_char : item.speaker.end_char], (item.speaker.start_char, item.speaker.end_char)
        )
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
        confidence=confidence.statement if confidence is not None else None,
        speaker_confidence=confidence.speaker if confidence is not None else None,
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
    settings: Settings | None = None,
) -> Analysis:
    """Analyse one article given as plain text or HTML, without a store.

    HTML goes through main-text extraction; plain text is cleaned of page
    boilerplate and its headline taken as the title. Raises `IngestError`
    when no article text can be found.
    """
    # No language filter here: the caller asked for this text to be analysed.
    options = IngestOptions.from_settings(settings or DEFAULT_SETTINGS, languages=())
    article = given_article(text_or_html, url or "<text>", options, url=url, title=title, published=published)
    return Analyzer(model, settings=settings).analyze_article(article)


def _batched(items: Iterable, size: int) -> Iterator[tuple]:
    """itertools.batched, which Python 3.11 lacks."""
    iterator = iter(items)
    while batch := tuple(itertools.islice(iterator, size)):
        yield batch

"""The records onrecord keeps.

Plain dataclasses, free of any storage or NLP concern: every stage reads and
writes these, the store maps them to tables, and `to_dict` gives the record
format of the evaluation kit (FORMAT.md).
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import asdict, dataclass, field
from typing import Any

Span = tuple[int, int]


class DateSource(str, enum.Enum):
    """Where an article's publication date came from.

    Never the ingestion time: a date we could not find is `UNKNOWN`.
    """

    METADATA = "metadata"  # markup or feed metadata (meta tags, JSON-LD, <time>, feed entry)
    URL = "url"  # a /2022/11/06/ style path
    TEXT = "text"  # a dateline or a date found in the page text
    USER = "user"  # given by the user (--published, a JSONL `published` field)
    UNKNOWN = "unknown"


class Stance(str, enum.Enum):
    AFFIRM = "affirm"
    DENY = "deny"
    QUALIFY = "qualify"
    QUESTION = "question"
    CONDITIONAL = "conditional"
    NEUTRAL = "neutral"


class StatementKind(str, enum.Enum):
    DIRECT = "direct"
    INDIRECT = "indirect"
    MIXED = "mixed"
    CONTINUATION = "continuation"


class ActorType(str, enum.Enum):
    PERSON = "person"
    ORGANIZATION = "organization"
    COUNTRY = "country"
    GROUP = "group"


@dataclass
class Article:
    """One news article: its main text and metadata.

    `id` is derived from the normalised text (see `ingest.identity`), so the
    same article gets the same id in every run; `source_ref` says where it was
    read from (a path, `path#N`, a URL, or an id given in JSONL).
    """

    id: str
    text: str
    content_hash: str
    source_ref: str
    url: str | None = None
    source: str | None = None  # site or outlet name
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    published: dt.date | None = None
    date_source: DateSource = DateSource.UNKNOWN
    language: str | None = None
    ingested_at: dt.datetime | None = None
    duplicate_of: str | None = None  # id of the original, for a near-duplicate copy
    external_id: str | None = None  # an id given by the input (JSONL `id`)
    # fetched from `url` itself, so the URL identifies it for dedupe; otherwise
    # the URL is one a document named (a feed's link), kept but not authoritative
    url_fetched: bool = False

    @property
    def word_count(self) -> int:
        return len(self.text.split())

    def to_dict(self) -> dict[str, Any]:
        return {
            "article_id": self.id,
            "url": self.url,
            "source": self.source,
            "title": self.title,
            "authors": list(self.authors),
            "published": self.published.isoformat() if self.published else None,
            "date_source": self.date_source.value,
            "language": self.language,
            "content_hash": self.content_hash,
            "ingested_at": self.ingested_at.isoformat() if self.ingested_at else None,
            "duplicate_of": self.duplicate_of,
            "source_ref": self.source_ref,
        }


@dataclass
class Failure:
    """An input that could not become an article, and why."""

    source_ref: str
    reason: str
    stage: str = "ingest"
    occurred_at: dt.datetime | None = None

    def __str__(self) -> str:
        return f"{self.source_ref}: {self.reason}"


@dataclass
class Actor:
    id: str
    name: str
    type: ActorType = ActorType.PERSON
    roles: list[str] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)
    country: str | None = None  # ISO 3166 alpha-3
    sector: str | None = None  # GOV, MIL, BUS, MED, CVL, ...
    represents: str | None = None  # the id of the person a lawyer or spokesperson speaks for

    def to_dict(self) -> dict[str, Any]:
        out = asdict(self)
        out["type"] = self.type.value
        return out


@dataclass
class Mention:
    """A piece of the article text: what it says and where. `parts` holds the
    pieces of a discontinuous mention ('"A," he said, "B"' has content A and B);
    `span` is then the whole stretch from the first to the last."""

    text: str
    span: Span | None
    parts: list[Span] | None = None

    def to_dict(self) -> dict[str, Any]:
        if self.parts and len(self.parts) > 1:
            return {"text": self.text, "span": [list(p) for p in self.parts]}
        return {"text": self.text, "span": list(self.span) if self.span else None}


@dataclass
class Statement:
    id: str
    kind: StatementKind
    content: Mention
    speaker: Mention | None = None
    speaker_name: str | None = None
    actor_id: str | None = None
    cue: Mention | None = None
    cue_lemma: str | None = None
    cue_class: str | None = None  # speech-act class of the cue: assert, admit, deny, ...
    sentence_index: int | None = None
    paragraph_index: int | None = None
    stance: Stance | None = None
    claim_id: str | None = None
    date_text: str | None = None
    date: dt.date | None = None
    date_start: dt.date | None = None  # an interval, when the text gives one ("earlier this week")
    date_end: dt.date | None = None
    earlier: bool = False  # tense or an adverb puts it before the article's main event ("had denied")
    side: str | None = None  # whom the speaker speaks for: "state:IRN", "org:calder bay port authority", "actor:a2"
    side_name: str | None = None  # the same, for people: "Iran", "The Calder Bay Port Authority"
    frame: str | None = None  # how the extractor found it (quote, that, gerund, object, ...)
    # learned probabilities (nlp.confidence): that this is an attribution, and
    # that its speaker is resolved right; None where not scored
    confidence: float | None = None
    speaker_confidence: float | None = None

    def to_dict(self) -> dict[str, Any]:
        speaker = None
        if self.speaker is not None or self.speaker_name:
            speaker = {
                **(self.speaker.to_dict() if self.speaker else {"text": None, "span": None}),
                "name": self.speaker_name,
                "actor": self.actor_id,
                "confidence": self.speaker_confidence,
            }
        cue = None
        if self.cue is not None:
            cue = {**self.cue.to_dict(), "lemma": self.cue_lemma, "class": self.cue_class}
        return {
            "id": self.id,
            "kind": self.kind.value,
            "speaker": speaker,
            "cue": cue,
            "content": self.content.to_dict(),
            "stance": self.stance.value if self.stance else None,
            "claim": self.claim_id,
            "frame": self.frame,
            "confidence": self.confidence,
            "speaks_for": self.side_name,
            "sentence": self.sentence_index,
            "paragraph": self.paragraph_index,
            "date": {
                "text": self.date_text,
                "value": self.date.isoformat() if self.date else None,
                "interval": [self.date_start.isoformat(), self.date_end.isoformat()]
                if self.date_start and self.date_end
                else None,
                "earlier": self.earlier,
            }
            if (self.date or self.date_text or self.earlier)
            else None,
        }


@dataclass
class Claim:
    id: str
    text: str
    statement_ids: list[str] = field(default_factory=list)
    frame: str | None = None  # the predicate frame ("transfer"), None for a claim known only by its text
    terms: list[str] = field(default_factory=list)  # participants: "C:IRN", "T:drone", "N:guterres"
    recipients: list[str] = field(default_factory=list)
    canonical: bool = False  # `text` is written from the proposition, not quoted from a statement
    sign: int = 1  # the sense of `text` within its predicate pair: -1 for "rejected the offer" (of `approve`)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text": self.text, "statements": list(self.statement_ids), "frame": self.frame}


@dataclass
class Event:
    code: str  # CAMEO code as a string, "072"
    source: str  # actor code, "IRNGOV"
    target: str = ""
    span: Span | None = None
    reported_by: str | None = None  # statement id, when the event sits inside one
    stance: Stance | None = None  # for negated or hypothetical events

    @property
    def happened(self) -> bool:
        """Coded as having happened: not denied, negated or hypothetical."""
        return self.stance not in (Stance.DENY, Stance.CONDITIONAL, Stance.QUESTION)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "happened": self.happened,
            "source": self.source,
            "target": self.target,
            "span": list(self.span) if self.span else None,
            "reported_by": self.reported_by,
            "stance": self.stance.value if self.stance else None,
        }


@dataclass
class Reversal:
    """A change of position: `kind` is "reversal" (deny -> affirm, an
    admission; affirm -> deny, a retraction), "softening" (deny -> conditional
    or qualify), or "contradiction" (two sides, one affirming, one denying)."""

    actor: str
    claim_id: str
    from_stance: Stance
    to_stance: Stance
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    kind: str = "reversal"
    first_affirmation: bool = False  # an admission that is the side's first affirmation
    side: str = ""  # whose position: "state:IRN", "actor:a3"

    def to_dict(self) -> dict[str, Any]:
        return {
            "actor": self.actor,
            "claim": self.claim_id,
            "kind": self.kind,
            "from": self.from_stance.value,
            "to": self.to_stance.value,
            "before": list(self.before),
            "after": list(self.after),
            "first_affirmation": self.first_affirmation,
        }

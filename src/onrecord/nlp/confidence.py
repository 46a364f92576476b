"""How far to trust a statement and its speaker: two learned scores.

The rules find statements and resolve speakers; these two small models,
trained on annotated news, say how often what the rules did is right:

- `statement` confidence: the probability that the statement is an
  attribution an annotator marks (its content overlaps an annotated
  content by more than 0.3 of its length, the scorer's match), trained on
  polnear_train (840 articles);
- `speaker` confidence: the probability that the speaker is resolved to the
  right person or body, given that the statement is real, trained on ggt_dev
  (the set with resolved speaker names), article-grouped cross-validated.

Both are logistic regressions over sparse binary features of how the
statement was found (its frame, kind, verb of saying, quotation marks,
length) and how its speaker was resolved (by name, pronoun, description,
a transcript label, a continuation; how many people could have been meant).
`statement_features` and `speaker_features` are the one feature functions:
the training script (bench/train_confidence.py) imports them from here.

The weights live in data/confidence_model.json: for each model a
`vocabulary` (feature name -> weight) and a `bias`. How the scores are
calibrated is in docs/benchmarks.md ("Confidence").
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc

from onrecord.nlp.speakers import ActorDraft, SpeakerResolver
from onrecord.nlp.statements import FoundStatement

MODEL_FILE = "data/confidence_model.json"
QUOTE_MARKS = '"“”«»„'


@dataclass
class Confidence:
    statement: float
    speaker: float | None  # None where there is no speaker to trust


def _bucket(value: float, edges: tuple[float, ...]) -> str:
    for k, edge in enumerate(edges):
        if value < edge:
            return str(k)
    return str(len(edges))


def statement_features(item: FoundStatement, doc: Doc, text: str, path: str, actor: ActorDraft | None) -> list[str]:
    """What the statement's finding looked like (`text` is the parsed text:
    Doc.text is rebuilt from the tokens on every access)."""
    feats = [
        "kind=" + item.kind.value,
        "frame=" + (item.frame or "none"),
        "parts=" + _bucket(len(item.content), (2, 3)),
        "paragraph=" + _bucket(item.paragraph_index, (1, 3, 8)),
        "path=" + path.split(":")[0],
        "actor=" + (actor.type.value if actor is not None else "none"),
    ]
    return feats + _content_features(item, doc, text) + _cue_features(item, doc) + _speaker_mention_features(item)


def _content_features(item: FoundStatement, doc: Doc, text: str) -> list[str]:
    """Its words: how many, quoted or not, a question, a clause or a phrase."""
    start, end = item.content[0][0], item.content[-1][1]
    content = text[start:end]
    span = doc.char_span(start, end, alignment_mode="expand")
    words = [t for t in span if not t.is_punct and not t.is_space] if span is not None else []
    feats = ["words=" + _bucket(len(words), (3, 6, 10, 20, 40))]
    if any(mark in content for mark in QUOTE_MARKS):
        feats.append("quoted")
        whole = content.strip()
        if whole[:1] in QUOTE_MARKS and whole.rstrip(",.")[-1:] in QUOTE_MARKS:
            feats.append("quoted_whole")
    if content.rstrip().endswith("?"):
        feats.append("asks")
    if words and not any(t.pos_ in ("VERB", "AUX") for t in words):
        feats.append("verbless")
    if words and words[0].lower_ == "that":
        feats.append("that_clause")
    if words and words[0].lower_ in ("to", "for", "of", "about", "on"):
        feats.append("starts=" + words[0].lower_)
    return feats


def _cue_features(item: FoundStatement, doc: Doc) -> list[str]:
    """The verb or noun of saying: which, its speech act, tense, modal, negation."""
    if item.cue is None:
        return ["cue=none"]
    feats = ["act=" + item.cue.speech_act, "cue=" + item.cue.lemma.lower()]
    cue = doc.char_span(*item.cue_span, alignment_mode="expand") if item.cue_span is not None else None
    if cue is not None and len(cue):
        feats.append("cue_tag=" + cue.root.tag_)
        if any(t.tag_ == "MD" for t in cue.root.children):
            feats.append("cue_modal")
        if any(t.dep_ == "neg" for t in cue.root.children):
            feats.append("cue_negated")
    return feats


def _speaker_mention_features(item: FoundStatement) -> list[str]:
    if item.speaker is None:
        return ["speaker=none"]
    root = item.speaker.root
    feats = ["speaker_pos=" + root.pos_, "speaker_ent=" + (root.ent_type_ or "none")]
    if root.pos_ == "PRON":
        feats.append("speaker_pronoun=" + root.lower_)
    return feats


def speaker_features(item: FoundStatement, path: str, actor: ActorDraft | None, resolver: SpeakerResolver) -> list[str]:
    """What the speaker's resolution looked like, and how many others it
    could have been."""
    feats = ["path=" + path, "kind=" + item.kind.value, "frame=" + (item.frame or "none")]
    if actor is None:
        return feats + ["actor=none"]
    feats.append("actor=" + actor.type.value)
    mentions = [m for m in resolver.mentions if m.actor is actor]
    feats.append("mentions=" + _bucket(len(mentions), (2, 3, 5, 10)))
    if len(actor.name.split()) == 1:
        feats.append("one_word_name")
    if actor.roles:
        feats.append("has_role")
    if actor.represents is not None:
        feats.append("represents")
    if item.speaker is not None:
        root = item.speaker.root
        feats.append("speaker_pos=" + root.pos_)
        if root.pos_ == "PRON":
            feats.append("pronoun=" + root.lower_)
        if item.speaker.text.strip() == actor.name:
            feats.append("named_in_full")
        elif actor.surname and item.speaker.text.strip().endswith(actor.surname):
            feats.append("named_by_surname")
    # people who could have been meant: persons mentioned in this and the two
    # paragraphs before, of the actor's gender where it is known
    at = item.speaker.start_char if item.speaker is not None else item.start
    paragraph = resolver.paragraph_index(at)
    near = {
        id(m.actor)
        for m in resolver.mentions
        if m.char < at
        and paragraph - m.paragraph <= 2
        and (actor.gender is None or m.actor.gender in (None, actor.gender))
    }
    feats.append("near_people=" + _bucket(len(near - {id(actor)}), (1, 2, 3, 5)))
    first = min((m.char for m in mentions), default=at)
    feats.append("introduced=" + _bucket(paragraph - resolver.paragraph_index(first), (1, 2, 4, 8)))
    if path.startswith("continuation"):
        feats.append("continues=" + path.split(":", 1)[-1])
    return feats


@lru_cache(maxsize=1)
def _model() -> dict | None:
    path = resources.files("onrecord.nlp").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    return json.loads(path.read_text("utf-8"))


def _score(model: dict, feats: list[str]) -> float:
    vocabulary = model["vocabulary"]
    total = model["bias"] + sum(vocabulary.get(name, 0.0) for name in set(feats))
    return 1.0 / (1.0 + math.exp(-total))


def features_of(
    item: FoundStatement,
    doc: Doc,
    text: str,
    path: str,
    name: str | None,
    actor: ActorDraft | None,
    resolver: SpeakerResolver,
) -> tuple[list[str], list[str] | None]:
    """The statement's features, and its speaker's (None without a speaker)."""
    speaker = speaker_features(item, path, actor, resolver) if name is not None else None
    return statement_features(item, doc, text, path, actor), speaker


def confidence_of(features: tuple[list[str], list[str] | None]) -> Confidence | None:
    """The two scores of one statement's features, or None if the model file is missing."""
    model = _model()
    if model is None:
        return None
    statement_feats, speaker_feats = features
    statement = _score(model["statement"], statement_feats)
    speaker = None if speaker_feats is None else _score(model["speaker"], speaker_feats)
    return Confidence(round(statement, 3), None if speaker is None else round(speaker, 3))

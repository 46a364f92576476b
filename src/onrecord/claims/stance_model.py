"""A learned headline stance: multinomial logistic regression over sparse
binary features, numpy only.

`stance_features(claim, text, doc)` is the one feature function: the training
script (bench/train_stance.py) imports it from here, so what the model was
trained on and what it is asked about cannot drift apart. The features are
the word-list signals of `stance.text_signals` (and the rule's own verdict),
the headline's word unigrams and bigrams, the words the headline adds to
the claim, and a few claim-versus-text comparisons (word overlap, a negation
the claim lacks).

The weights live in data/stance_model.json (written by the training script):
`labels`, `vocabulary` (feature name -> row), `weights` (one row of per-label
weights a feature), `bias`.
"""

from __future__ import annotations

import json
import math
import re
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc

from onrecord.model import Stance

MODEL_FILE = "data/stance_model.json"

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?!:\"]")
_NEGATION = re.compile(r"\b(not|n't|never|no|nobody|nothing|none)\b", re.I)
_STOP = frozenset(
    "a an the of to in on at for by with and or but is are was were be been being it its this that "
    "as from has have had will would can could may might do does did than then so if into about over "
    "after before up out his her their he she they we you i our your my s".split()
)


def _tokens(text: str) -> list[str]:
    words = _TOKEN.findall(
        text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"').lower()
    )
    return [re.sub(r"\d", "0", w) for w in words]


def _content(words: list[str]) -> set[str]:
    return {w for w in words if w.isalnum() and w not in _STOP}


def stance_features(claim: str, text: str, doc: Doc | None = None) -> list[str]:
    """The names of the binary features that fire for `text` about `claim`
    (`doc` is the parse of `text`; without it the parse-based features are off)."""
    from onrecord.claims.stance import text_signals, text_stance

    signals = text_signals(text, doc)
    feats = ["rule=" + text_stance(claim, text, doc).value]
    claim_lower = claim.replace("\u2019", "'").lower()
    for signal, hits in signals.found.items():
        own = [h for h in hits if h.lower() not in claim_lower]  # "claims" in "X claims ..." of a claim that says so
        if hits and not own:
            feats.append("shared:" + signal)
        if own:
            feats.append("sig:" + signal)
            if len(own) > 1:
                feats.append("sig2:" + signal)
            feats.extend("hit:{}:{}".format(signal, re.sub(r"\s+", " ", h.lower())) for h in own)
    claim_negative = bool(_NEGATION.search(claim.replace("\u2019", "'")))
    text_negative = bool(_NEGATION.search(text.replace("\u2019", "'")))
    if signals.question_mark:
        feats.append("qmark")
        answer = text.rsplit("?", 1)[1]
        if answer.strip():
            feats.append("qmark:answered")
            if re.search(r"\b(no|not|nope)\b", answer, re.I):
                feats.append("qmark:answer_no")
    if signals.attributed:
        feats.append("attributed")
    if signals.negated:
        feats.append("neg_root")
        if not claim_negative:
            feats.append("neg_root&claim_positive")
    if text_negative and not claim_negative:
        feats.append("neg_text&claim_positive")
    if claim_negative and not text_negative:
        feats.append("claim_negative&text_positive")
    if doc is not None:
        feats.extend(_parse_features(doc, signals))

    words = _tokens(text)
    claim_words = _content(_tokens(claim))
    feats.extend("w:" + w for w in set(words))
    feats.extend("b:{}_{}".format(*pair) for pair in set(zip(["<s>"] + words, words + ["</s>"])))
    text_content = _content(words)
    feats.extend("new:" + w for w in text_content - claim_words)
    if claim_words:
        overlap = len(text_content & claim_words) / len(claim_words)
        feats.append(f"overlap:{min(4, int(overlap * 5))}")
    return feats


def _parse_features(doc: Doc, signals) -> list[str]:
    """The main verb (lemma, tense, modals, a reporting verb over a clause)
    and where the lexicon's hits attach: "alleged rapist" qualifies a noun,
    "reportedly" or "claims" the whole headline."""
    feats = []
    hit_words = {h.split()[0].lower(): signal for signal, hits in signals.found.items() for h in hits}
    for token in doc:
        if token.dep_ == "ROOT":
            feats += ["root:" + token.lemma_.lower(), "root_tag:" + token.tag_]
            for child in token.children:
                if child.dep_ in ("aux", "auxpass") and child.tag_ == "MD":
                    feats.append("root_modal:" + child.lower_)
                if child.dep_ == "ccomp":
                    feats.append("root_ccomp")
                    if any(c.dep_ == "nsubj" and c.ent_type_ for c in token.children):
                        feats.append("named_source_says")
        signal = hit_words.get(token.lower_)
        if signal:
            on_root = token.dep_ == "ROOT" or token.head.dep_ == "ROOT"
            feats.append("hitat:{}:{}".format(signal, "root" if on_root else token.dep_))
    return feats


@lru_cache(maxsize=1)
def _model() -> dict | None:
    path = resources.files("onrecord.claims").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    raw = json.loads(path.read_text("utf-8"))
    return {
        "labels": [Stance(label) for label in raw["labels"]],
        "vocabulary": raw["vocabulary"],
        "weights": raw["weights"],
        "bias": raw["bias"],
    }


def model_available() -> bool:
    return _model() is not None


def stance_scores(claim: str, text: str, doc: Doc | None = None) -> dict[Stance, float]:
    """Per-label probabilities from the learned model."""
    model = _model()
    if model is None:
        raise FileNotFoundError(f"onrecord.claims/{MODEL_FILE} is missing")
    if doc is None:
        from onrecord.nlp.pipeline import load_pipeline

        doc = load_pipeline()(text)  # the model was trained on parsed headlines
    scores = list(model["bias"])
    vocabulary, weights = model["vocabulary"], model["weights"]
    for name in set(stance_features(claim, text, doc)):
        row = vocabulary.get(name)
        if row is not None:
            for k, w in enumerate(weights[row]):
                scores[k] += w
    top = max(scores)
    exps = [math.exp(s - top) for s in scores]
    total = sum(exps)
    return {label: e / total for label, e in zip(model["labels"], exps)}


def learned_stance(claim: str, text: str, doc: Doc | None = None) -> Stance:
    """Where `text` (a headline) stands on `claim`: affirm, deny or neutral."""
    scores = stance_scores(claim, text, doc)
    return max(scores, key=lambda label: scores[label])

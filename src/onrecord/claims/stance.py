"""Stance: where a text or a statement stands on a claim.

Two uses, one set of signals (data/stance_lexicon.tsv):

- `text_stance(claim, text)`: the fact-checker's question, "does this text
  (a headline, a paragraph) affirm the claim, deny it, or only report it?"
- `statement_stance(statement)`: where a speaker stands on the content of
  their own statement, from the cue's speech act ("denied", "acknowledged"),
  negation, evaluative words ("absolutely false"), conditions and
  requests for evidence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc

from onrecord import lexicons
from onrecord.model import Stance, Statement

SIGNALS = ("deny", "hedge", "question", "confirm")
# A source named at the end of a headline ("...: Report", "... -- analyst",
# "...: DJ") or a single source word before a colon ("Senator: ..."): the text
# reports, it does not vouch. (A colon after a topic, "Willie Nelson dead :
# ...", says nothing: on emergent_dev any colon was as often affirm as neutral.)
_ATTRIBUTION = re.compile(r"(?:(?::|--|\s-)\s*(?:[A-Z][\w.&'-]*\s?){1,3}\s*$)|(?:^(?:[A-Z][\w.'-]*\s?){1,2}:\s)")
_CONDITION = re.compile(r"\b(if|unless|provided that|as long as|should it be|in case)\b", re.I)
_ASKS_FOR_EVIDENCE = re.compile(
    r"\b(should|must|need to|have to)\s+(provide|show|produce|present|give)\b.{0,40}\b(us|evidence|proof|documents)\b"
    r"|\bprovide\s+(evidence|proof)\b",
    re.I,
)


@dataclass
class Signals:
    found: dict[str, list[str]] = field(default_factory=dict)
    negated: bool = False  # the main verb is negated
    question_mark: bool = False
    attributed: bool = False  # "X: ..." or "..., X says"

    def has(self, signal: str) -> bool:
        return bool(self.found.get(signal))


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, re.Pattern[str]]:
    phrases: dict[str, list[str]] = {s: [] for s in SIGNALS}
    for row in lexicons.rows("onrecord.claims", "stance_lexicon.tsv", least=2, most=2):
        signal, phrase = row.fields
        if signal not in phrases:
            raise row.error(f"unknown signal {signal!r}")
        pattern = re.escape(phrase).replace(r"\*", r"\w*").replace(r"\?", "?").replace(r"\ ", r"\s+")
        phrases[signal].append(pattern)
    return {
        signal: re.compile(r"(?<![\w'’])(?:" + "|".join(sorted(p, key=len, reverse=True)) + r")(?![\w'’])", re.I)
        for signal, p in phrases.items()
    }


def text_signals(text: str, doc: Doc | None = None) -> Signals:
    normalised = text.replace("\u2019", "'")
    signals = Signals(
        found={signal: pattern.findall(normalised) for signal, pattern in _lexicon().items()},
        question_mark="?" in text,
        attributed=bool(_ATTRIBUTION.search(text.strip())),
    )
    if doc is not None:
        signals.negated = any(t.dep_ == "neg" and t.head.dep_ == "ROOT" for t in doc)
    return signals


def text_stance(claim: str, text: str, doc: Doc | None = None) -> Stance:
    """Where `text` stands on `claim`: deny when it calls the claim false or
    negates what it reports, neutral when it only reports or asks, affirm
    when it states it. (`claim` is kept for symmetry: the words that
    contradict a claim are the same whatever the claim says, except when
    the claim itself is negative.)"""
    signals = text_signals(text, doc)
    claim_negative = bool(re.search(r"\b(not|n't|never|no)\b", claim.replace("\u2019", "'"), re.I))
    denies = signals.has("deny") or (signals.negated and not claim_negative)
    if denies:
        # "Sea Serpent Photo A Hoax?" asks; "Did the mayor post this? Probably not" answers
        if signals.question_mark:
            answer = text.rsplit("?", 1)[1]
            if not (_lexicon()["deny"].search(answer) or re.search(r"\b(no|not|nope)\b", answer, re.I)):
                return Stance.NEUTRAL
        return Stance.DENY
    if signals.question_mark and re.search(r"\b(no|not|nope)\b", text.rsplit("?", 1)[1], re.I):
        return Stance.DENY  # "Giant squid on the beach? Probably not"
    if signals.has("confirm"):
        return Stance.AFFIRM
    if signals.has("hedge") or signals.question_mark or signals.attributed:
        return Stance.NEUTRAL
    return Stance.AFFIRM


@lru_cache(maxsize=4)
def _word_list(name: str) -> frozenset[str]:
    return lexicons.words("onrecord.claims", name)


def _negators() -> frozenset[str]:
    return _word_list("negators.txt")


def _hedged(negation) -> bool:
    """ "not necessarily", "not entirely": a negation that only qualifies."""
    following = negation.nbor(1) if negation.i + 1 < len(negation.doc) else None
    return following is not None and following.lower_ in _word_list("negation_hedges.txt")


def content_polarity(doc: Doc, start: int, end: int) -> str | None:
    """ "negative" when a content's main clause is negative ("unknown" when it
    says the speaker does not know: "I don't know what it will take"; "hedged" when
    the negation only qualifies: "not necessarily", "not entirely"), else
    None. Negative: its first sentence's
    predicate is negated ("would not pay", "we are not in discussions"), or a
    negative word stands in that clause itself ("there is no safety issue",
    "had never sold", "nobody was paid", "no plans to"), not in a clause below
    it ("would close because the city could not afford it")."""
    span = doc.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    sentence = next(iter(span.sents))  # type: ignore[attr-defined]  # (spaCy's stubs omit Span.sents) the whole sentence: the content's own part of it is wanted
    root = doc[max(sentence.start, span.start) : min(sentence.end, span.end)].root
    negators = _negators()
    if _contrasts(root):
        return None  # "is not a provocation but a neighbourly idea" affirms the second
    if _not_knowing(root):
        return "unknown"  # "I don't know what it's going to take": no side taken
    for child in root.children:
        if child.dep_ == "neg" or child.lower_ in negators:
            return "hedged" if _hedged(child) else "negative"
        if child.dep_ in ("nsubj", "nsubjpass", "dobj", "attr", "expl") and (
            child.lower_ in negators or any(g.dep_ == "det" and g.lower_ in negators for g in child.children)
        ):
            return "negative"
    # "No Tessic aircraft, manned or unmanned, has been lost": the small parser
    # may hang the negated subject on the aside ("manned"), not on the verb
    opening = next((t for t in doc[max(sentence.start, span.start) : sentence.end] if not t.is_punct), None)
    if (
        opening is not None
        and opening.lower_ in negators
        and opening.dep_ == "det"
        and opening.head.dep_ in ("nsubj", "nsubjpass")
        and opening.head.head.head.i == root.i
    ):
        return "negative"
    return None


_OPEN_QUESTION = {"what", "who", "whom", "which", "when", "where", "why", "how", "whether", "if"}


def _not_knowing(root) -> bool:
    """A negated verb of knowing before an open question: "did not know
    whether the bill would pass" (but "did not know about the payments",
    knowledge denied, stays a denial)."""
    if root.lemma_.lower() not in _word_list("knowing_verbs.txt") or not any(c.dep_ == "neg" for c in root.children):
        return False
    return any(
        c.dep_ in ("ccomp", "xcomp", "dobj") and min(c.subtree, key=lambda t: t.i).lower_ in _OPEN_QUESTION
        for c in root.children
    )


def _contrasts(root) -> bool:
    """ "Not A, but B": a "but" that joins to the negated predicate a phrase,
    not a clause of its own ("we did not sell, but we leased" still denies)."""
    children = list(root.children)
    return any(c.dep_ == "cc" and c.lower_ == "but" for c in children) and any(
        c.dep_ == "conj" and c.pos_ not in ("VERB", "AUX") for c in children
    )


def statement_stance(statement: Statement, doc: Doc | None = None) -> Stance:
    """Where a speaker stands on their own statement's content: the speech
    act composed with the content's polarity (`doc`, when given, is the
    parse the content's span indexes). A continuation quote speaks as its
    speaker's earlier words did: it is asserted unless its words say otherwise;
    so is a quotation with no verb of saying (a transcript's turn, 'X: "..."',
    '"..." ― X')."""
    act = statement.cue_class or ("assert" if statement.kind.value in ("continuation", "direct") else None)
    content = _first_sentence(statement, doc)
    signals = text_signals(content)
    withheld = withheld_speech_act(statement, doc)
    if withheld is not None:
        # "refused to concede the race": the denial kept up; "declined to
        # confirm", "did not say", "would not deny": nothing either way
        return Stance.DENY if withheld == "refused" and act in ("admit", "confirm", "agree") else Stance.NEUTRAL
    if act in ("deny", "reject", "refuse"):
        return Stance.DENY
    if doc is not None and _rebuts_report(statement, doc):
        return Stance.DENY
    # asking for evidence or an inquiry: "look into whether ...", "if you have
    # documents, you should provide them to us"
    if act == "question" or (act == "demand" and signals.has("question")) or _ASKS_FOR_EVIDENCE.search(content):
        return Stance.QUESTION
    if _CONDITION.search(content):
        return Stance.CONDITIONAL
    if act in (None, "assert", "respond") and _asked(content):
        # words that end in a question mark ask, whatever their verb: "So you
        # reject mass deportation?" (an interviewer's turn) affirms nothing
        return Stance.QUESTION
    if act == "call" or signals.has("deny") and act not in ("admit", "confirm"):
        return Stance.DENY if signals.has("deny") else Stance.AFFIRM
    if act in ("admit", "confirm", "assert", "announce", "report", "explain", "agree", "respond", "predict", "promise"):
        polarity = (
            content_polarity(doc, *statement.content.span[:2]) if doc is not None and statement.content.span else None
        )
        outcome = {"negative": Stance.DENY, "hedged": Stance.QUALIFY, "unknown": Stance.NEUTRAL}
        return outcome.get(polarity or "", Stance.AFFIRM)
    return Stance.NEUTRAL


def _asked(content: str) -> bool:
    """Whether words are a question: they end in a question mark (before
    any closing quotation mark)."""
    return content.rstrip().rstrip("\"'”’»)").rstrip().endswith("?")


REFUSING = {"refuse", "decline", "fail", "reject"}


def withheld_speech_act(statement: Statement, doc: Doc | None) -> str | None:
    """Whether the speech act itself did not happen: "refused" when the cue
    is what the speaker refused to do ("refused to concede"), "negated" when
    it is negated or declined ("did not confirm", "declined to comment on
    whether", "would not deny"); else None."""
    if doc is None or statement.cue is None or not statement.cue.span:
        return None
    span = doc.char_span(*statement.cue.span[:2], alignment_mode="expand")
    if span is None or len(span) == 0:
        return None
    cue = span[0]
    if any(c.dep_ == "neg" for c in cue.children):
        return "negated"
    if cue.dep_ == "xcomp" and cue.head.lemma_.lower() in REFUSING:
        governor = cue.head
        if any(c.dep_ == "neg" for c in governor.children):
            return None  # "did not refuse to confirm": said after all
        return "refused" if governor.lemma_.lower() in ("refuse", "reject") else "negated"
    return None


def _rebuts_report(statement: Statement, doc: Doc) -> bool:
    """ "The union claims we have hired replacement workers. That is simply
    not the case.": a speaker who reports someone else's claim, then judges
    it false, denies it."""
    from onrecord.claims.propositions import first_sentence, only_judges
    from onrecord.nlp.cues import cue_of

    if not statement.content.span:
        return False
    span = doc.char_span(*statement.content.span[:2], alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    first = first_sentence(span)
    head = first.root
    subject = next((c for c in head.children if c.dep_ == "nsubj"), None)
    # "People keep saying ...", "They have been claiming ..."
    root = head if cue_of(head) else next((c for c in head.children if c.dep_ == "xcomp" and cue_of(c)), head)
    if cue_of(root) is None or subject is None or subject.lower_ in ("i", "we"):
        return False
    start = first.end
    while start < span.end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    if start >= span.end:
        return False
    judged = first_sentence(doc[start : span.end])
    negative = content_polarity(doc, judged.start_char, judged.end_char) == "negative"
    if not only_judges(judged.root):
        # "People are saying I took something. I did not take anything, ever."
        return negative and judged.root.lemma_ == root_of_report(root).lemma_
    return negative or text_signals(judged.text).has("deny")


def root_of_report(cue):
    """The verb of what a reporting verb reports ("saying I took something": took)."""
    reported = next((c for c in cue.children if c.dep_ in ("ccomp", "xcomp")), None)
    return reported if reported is not None else cue


def _first_sentence(statement: Statement, doc: Doc | None) -> str:
    """The content's first sentence, which holds the claim it is read for
    ("We made our first offer in July. It was rejected, ...": not a denial
    of the offer). The whole content when there is no parse to split it."""
    from onrecord.claims.propositions import first_sentence

    text = statement.content.text
    if doc is None or not statement.content.span:
        return text
    span = doc.char_span(*statement.content.span[:2], alignment_mode="expand")
    if span is None or len(span) == 0:
        return text
    return first_sentence(span).text


def headline_stance(claim: str, text: str, doc: Doc | None = None) -> Stance:
    """Where a headline stands on `claim`, by the learned model
    (stance_model.py, trained on headlines) when its weights are installed,
    else by the word-list rule `text_stance`."""
    from onrecord.claims.stance_model import learned_stance, model_available

    if not model_available():
        return text_stance(claim, text, doc)
    return learned_stance(claim, text, doc)

"""From a statement's content to a proposition, and which propositions are
the same claim.

A proposition is a predicate frame (data/frames.tsv: "supplied", "gave",
"arming" and "the transfer" are one frame) with its participants: countries
(names, demonyms and capitals, and "his country", "we", "it" through the
speaker's own country), other names, and the key nouns ("drones"). Two
propositions are one claim when their frames agree, they share a participant
and their recipients do not clash ("a ban on exports to India" is not "a ban
on exports to China"). A content that only points back ("the accusations",
"the supply") joins the claim it points to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Span, Token

from onrecord.nlp.geo import gazetteer

# Nouns whose content is another statement's claim: "called the accusations
# false" denies whatever was alleged just before.
ANAPHORIC_NOUNS = {"accusation", "allegation", "claim", "report", "rumour", "rumor", "charge", "suggestion",
                   "story", "assertion", "reports", "claims"}
# Words that carry no participant: time, quantity, generic nouns.
GENERIC_NOUNS = {"number", "time", "month", "year", "week", "day", "place", "way", "part", "thing", "lot", "people",
                 "country", "issue", "possession", "document", "fact", "case", "point", "kind", "side", "war",
                 "conflict", "crisis", "world", "position"}
FIRST_PERSON_PLURAL = {"we", "us", "our", "ours"}
THIRD_PERSON_OWN = {"his", "her", "its", "their"}
RECIPIENT_VERBS = {"supply", "arm", "provide", "equip", "furnish"}


@dataclass(frozen=True)
class Frame:
    name: str
    verb: str  # canonical past tense, for claim texts


@lru_cache(maxsize=1)
def frames() -> dict[str, Frame]:
    table: dict[str, Frame] = {}
    source = resources.files("onrecord.claims").joinpath("data/frames.tsv").read_text("utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, verb, lemmas = line.split("\t")
        for lemma in lemmas.split(","):
            table.setdefault(lemma.strip(), Frame(name, verb))
    return table


@dataclass
class Proposition:
    frame: Frame | None = None
    predicate: Token | None = None
    participants: set[str] = field(default_factory=set)  # "C:IRN", "N:guterres", "T:drone"
    recipients: set[str] = field(default_factory=set)
    negated: bool = False
    anaphoric: bool = False  # "the accusations": stands for a claim made elsewhere
    agent: str | None = None  # the predicate's subject, as a participant key
    theme: str | None = None  # what is supplied, used, built...
    theme_text: str | None = None  # the theme as written ("drones")

    @property
    def completeness(self) -> int:
        """How much of who-did-what-to-whom this proposition states."""
        return (self.frame is not None) + (self.agent is not None) + (self.theme is not None) + bool(self.recipients)

    @property
    def bare(self) -> bool:
        """A frame with nothing of its own to say who or what ("the supply")."""
        return self.frame is not None and not (self.participants - {"T:" + self.predicate.lemma_.lower()})

    def clashes(self, other: Proposition) -> bool:
        """Both name who receives, and they differ (exports to India, to China),
        or both name a year, and they differ (fees for 2025, for 2026)."""
        return keys_clash(self.recipients, other.recipients) or keys_clash(years(self.participants),
                                                                           years(other.participants))

    def matches(self, other: Proposition, same_article: bool = False) -> bool:
        """Same frame, no clash, and a shared participant; within one article a
        frame without clashing agents is taken for one event ("tanker leaked
        diesel" and "the leak was limited to one berth")."""
        if self.frame is None or other.frame is None or self.frame.name != other.frame.name:
            return False
        if self.clashes(other):
            return False
        if self.bare or other.bare:
            return True
        if same_article:
            agents_clash = (self.agent and other.agent and self.agent.startswith("C:") and other.agent.startswith("C:")
                            and self.agent != other.agent)
            return not agents_clash
        return bool((self.participants & other.participants) - years(self.participants))  # a year alone is no tie


def proposition(doc: Doc, start: int, end: int, speaker_country: str | None = None) -> Proposition:
    """The proposition of the content between two character offsets."""
    span = doc.char_span(start, end, alignment_mode="expand")
    prop = Proposition()
    if span is None or len(span) == 0:
        return prop
    prop.predicate = _main_predicate(span)
    if prop.predicate is not None:
        prop.frame = frames()[prop.predicate.lemma_.lower()]
        prop.negated = any(c.dep_ == "neg" for c in prop.predicate.children) or any(
            c.dep_ == "neg" for c in prop.predicate.head.children if prop.predicate.dep_ in ("xcomp", "ccomp", "acomp")
        )
        prop.recipients = _recipients(prop.predicate, speaker_country)
    prop.participants = _participants(span, speaker_country)
    if prop.frame is None and any(t.lemma_.lower() in ANAPHORIC_NOUNS and t.pos_ == "NOUN" for t in span):
        prop.anaphoric = True
    if prop.predicate is not None:
        prop.agent = _agent(prop.predicate, speaker_country)
        theme = _theme(prop.predicate, speaker_country)
        if theme is not None:
            prop.theme, prop.theme_text = _key(theme, speaker_country), theme.text
    return prop


def _main_predicate(span: Span) -> Token | None:
    """The frame word the content is about: not one in a clause that only
    sets the scene ("after a report sent shares up"). A clause the content
    introduces with "that", "whether" or "if" holds the proposition under
    discussion ("they should provide documents that Russia used drones" is
    about use), so a frame word inside one wins; then the one nearest the root."""
    table = frames()
    candidates = [t for t in span if t.lemma_.lower() in table and t.pos_ in ("VERB", "NOUN", "ADJ", "AUX")
                  and not _under_knowledge(t, span)]
    if not candidates:
        return None

    def depth(token: Token) -> int:
        d = 0
        while token.head.i != token.i and span.start <= token.head.i < span.end and d < 50:
            token, d = token.head, d + 1
        return d

    def marked(token: Token) -> bool:
        node = token
        for _ in range(8):
            if any(c.dep_ == "mark" and c.lower_ in ("that", "whether", "if") for c in node.children) or (
                node.dep_ == "relcl" and any(c.lower_ == "that" for c in node.children)
            ):
                return True
            if node.head.i == node.i or not (span.start <= node.head.i < span.end):
                break
            node = node.head
        return False

    def adverbial(token: Token) -> bool:
        """Inside a clause that only sets the scene ("..., after a report sent
        shares up", "three weeks after the group dismissed a report")."""
        node = token
        for _ in range(12):
            if (node.dep_ == "advcl" and any(c.dep_ == "mark" and c.lower_ in SCENE_SETTERS for c in node.children)
                    or node.dep_ in ("pcomp", "pobj") and node.head.lower_ in SCENE_SETTERS):
                return True
            if node.head.i == node.i or not (span.start <= node.head.i < span.end):
                return False
            node = node.head
        return False

    return min(candidates, key=lambda t: (adverbial(t), not marked(t) if len(candidates) > 1 else False, depth(t), t.i))


# Subordinators whose clause sets the scene of a content rather than stating
# it ("if" is not one: a condition's clause can hold the claim itself).
SCENE_SETTERS = {"after", "before", "since", "following", "despite", "amid", "while", "when"}


# "Iran was unaware of the usage of its drones": not knowing of an event is
# not a claim that it happened ("we now know that fuel escaped" is one).
IGNORANCE = {"unaware", "ignorant", "oblivious"}
KNOWING = {"know", "aware", "realize", "realise"}


def _under_knowledge(token: Token, span: Span) -> bool:
    for ancestor in token.ancestors:
        if not (span.start <= ancestor.i < span.end):
            break
        lemma = ancestor.lemma_.lower()
        if lemma in IGNORANCE or (lemma in KNOWING and any(c.dep_ == "neg" for c in ancestor.children)):
            return True
    return False


def _key(token: Token, speaker_country: str | None) -> str | None:
    lower = token.lower_
    if lower in FIRST_PERSON_PLURAL or (lower in THIRD_PERSON_OWN and token.head.lemma_.lower() == "country"):
        return f"C:{speaker_country}" if speaker_country else None
    country = gazetteer().lookup(token.text)
    if country is not None and token.pos_ in ("PROPN", "ADJ", "NOUN"):
        return f"C:{country.iso3}"
    if token.pos_ == "PROPN" or token.ent_type_ in ("PERSON", "ORG", "PRODUCT"):
        return f"N:{token.lemma_.lower()}"
    if token.pos_ == "NOUN" and token.lemma_.lower() not in GENERIC_NOUNS and token.lemma_.lower() not in ANAPHORIC_NOUNS:
        return f"T:{token.lemma_.lower()}"
    return None


def keys_clash(keys: set[str], other: set[str]) -> bool:
    """Both name something in the same role, and nothing in common."""
    return bool(keys and other and not keys & other)


def years(participants: Iterable[str]) -> set[str]:
    return {key for key in participants if key.startswith("Y:")}


_YEAR = re.compile(r"(?:19|20)\d\d")


def _participants(span: Span, speaker_country: str | None) -> set[str]:
    keys = {f"Y:{token.text}" for token in span if _YEAR.fullmatch(token.text)}
    for token in span:
        if token.lower_ in ("his", "her", "its", "their") and token.head.lemma_.lower() == "country" and speaker_country:
            keys.add(f"C:{speaker_country}")
            continue
        key = _key(token, speaker_country)
        if key is not None and not (key.startswith("T:") and key[2:] in frames()):
            keys.add(key)
    for start, end, country in gazetteer().find_all(span.text):
        if country is not None:
            keys.add(f"C:{country.iso3}")
    return keys


def _recipients(predicate: Token, speaker_country: str | None) -> set[str]:
    """Who receives or is aimed at: "to X" on the verb or on its object
    ("banned rice exports to India"), or the object of "supply X with Y"."""
    found = set()
    heads = [predicate] + [c for c in predicate.children if c.dep_ in ("dobj", "nsubjpass")]
    for head in heads:
        for child in head.children:
            if child.dep_ in ("prep", "dative") and child.lower_ in ("to", "into", "against"):
                found |= {k for k in (_key(c, speaker_country) for c in child.children if c.dep_ == "pobj") if k}
    for child in predicate.children:
        if child.dep_ == "dobj" and predicate.lemma_.lower() in RECIPIENT_VERBS:
            key = _key(child, speaker_country)
            if key:
                found.add(key)
    return {k for k in found if not k.startswith("T:") or k[2:] not in GENERIC_NOUNS}


def _agent(predicate: Token, speaker_country: str | None) -> str | None:
    node = predicate
    for _ in range(3):
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            own = subject.lower_ in ("country", "it", "they", "we") or any(c.lower_ in THIRD_PERSON_OWN for c in subject.children)
            if node is not predicate or own:
                # "X denied that it had sold ...": in reported words "it" is mostly the speaker
                # "officials denied arming Russia": the subject of the cue is the
                # speaker, whose side is the one said to act
                return f"C:{speaker_country}" if speaker_country else _key(subject, speaker_country)
            return _key(subject, speaker_country)
        if node.dep_ in ("xcomp", "pcomp", "advcl") and node.head.i != node.i:
            node = node.head
            continue
        break
    # "denied arming Russia": the speaker's side is the one said to act
    return f"C:{speaker_country}" if speaker_country and predicate.tag_ == "VBG" else None


def _theme(predicate: Token, speaker_country: str | None) -> Token | None:
    """What the predicate is about: "supplied X with drones", "gave drones",
    "a limited number of drones"."""
    for child in predicate.children:
        if child.dep_ == "prep" and child.lower_ == "with" and predicate.lemma_.lower() in RECIPIENT_VERBS:
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            if obj is not None:
                return obj
    for child in predicate.children:
        if child.dep_ == "dobj" and predicate.lemma_.lower() not in RECIPIENT_VERBS:
            if child.lemma_.lower() in GENERIC_NOUNS:
                return next((g for c in child.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None)
            return child
    return None


def _location(predicate: Token, speaker_country: str | None) -> str | None:
    for child in predicate.children:
        if child.dep_ == "prep" and child.lower_ in ("in", "against", "on"):
            obj = next((c for c in child.children if c.dep_ == "pobj"), None)
            key = _key(obj, speaker_country) if obj is not None else None
            if key and key.startswith("C:"):
                return key
    return None


def is_canonical(prop: Proposition) -> bool:
    """Whether `claim_text` can write this proposition out (else it uses the words as said)."""
    return prop.frame is not None and prop.predicate is not None and prop.agent is not None


def claim_text(prop: Proposition, fallback: str) -> str:
    """A readable canonical text: "Iran supplied drones to Russia"."""
    if not is_canonical(prop):
        return fallback
    countries = {c.iso3: c.name for c in gazetteer().by_name.values()}

    def show(key: str) -> str:
        kind, value = key.split(":", 1)
        return countries.get(value, value) if kind == "C" else value

    parts = [show(prop.agent), prop.frame.verb]
    if prop.theme:
        parts.append(show(prop.theme) if prop.theme.startswith("C:") else (prop.theme_text or show(prop.theme)).lower())
    if prop.recipients:
        parts += ["to", show(sorted(prop.recipients)[0])]
    else:
        where = _location(prop.predicate, None)
        if where and where != prop.agent:
            parts += ["in", show(where)]
    return " ".join(parts)


# Across articles one shared word is chance ("the state paid" in two unrelated
# stories); two shared participants, or a shared name or country when one side
# has only one, make the same claim. (Seen on the 181 pages of the shared
# extraction set, where one shared participant merged unrelated claims.)
MIN_SHARED_ACROSS_ARTICLES = 2


def same_signature(terms: list[str], recipients: list[str], other_terms: list[str], other_recipients: list[str]) -> bool:
    """Whether two claims of one frame from different articles, known by their
    participants and recipients (as the store keeps them), are the same claim."""
    if keys_clash(set(recipients), set(other_recipients)) or keys_clash(years(terms), years(other_terms)):
        return False
    shared = (set(terms) & set(other_terms)) - years(terms)  # a year alone is no tie
    if len(shared) >= MIN_SHARED_ACROSS_ARTICLES:
        return True
    small = min(len(set(terms)), len(set(other_terms))) <= 1
    return small and any(t.startswith(("C:", "N:")) for t in shared)

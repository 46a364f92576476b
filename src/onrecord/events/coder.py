"""CAMEO event coding over the parse: who did what to whom.

Patterns (data/patterns.tsv) map a verb or noun, with an optional condition
on its object, a preposition's object or a to-infinitive, to a CAMEO code.
The source is the word's subject (or a noun's owner: "Russian airstrikes"),
the target its object or the object of to/against/on/at/into/with; both are
coded as actors: country (names, demonyms, capitals, the speaker's "we" and
"his country") plus sector (officials GOV, troops MIL, police COP, ...), or
IGOUNO for the United Nations. An event inside a statement's content is
reported by that statement and takes its stance: a denied, negated or
hypothetical event is coded but not as having happened.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from spacy.tokens import Doc, Token

from onrecord.model import Actor, Event, Stance, Statement
from onrecord.nlp.geo import gazetteer, sector_of

IGO_NAMES = {"un": "IGOUNO", "united nations": "IGOUNO", "security council": "IGOUNO", "secretary-general": "IGOUNO",
             "secretary general": "IGOUNO", "nato": "IGONAT", "european union": "IGOEU", "eu": "IGOEU",
             "african union": "IGOAFR", "world bank": "IGOWBK", "imf": "IGOIMF", "red cross": "NGOIRC"}
TARGET_PREPOSITIONS = {"to", "against", "on", "at", "into", "with", "in", "from", "toward", "towards"}
HYPOTHETICAL_MARKS = {"if", "unless", "whether"}
MODALS = {"would", "could", "might", "may", "should"}
# Who commits unconventional violence (CAMEO 18) rather than fights (19).
NON_STATE_ATTACKERS = {"gunman", "militant", "terrorist", "bomber", "attacker", "insurgent", "assailant", "extremist",
                       "jihadist", "kidnapper", "mob", "suicide", "rebel", "separatist", "guerrilla"}
UNCONVENTIONAL = {"190": "180", "193": "180", "195": "183", "194": "183"}
# Within fighting (19), the weapon decides the code: CAMEO's definitions.
WEAPON_CODES = (
    ("195", {"jet", "aircraft", "airstrike", "drone", "helicopter", "warplane", "bomber", "plane", "air", "missile"}),
    ("194", {"artillery", "tank", "mortar", "rocket", "shell", "shelling", "howitzer", "cannon"}),
    ("193", {"gun", "rifle", "gunfire", "gunman", "sniper", "shooting", "bullet", "machine", "fire", "shoot", "shot"}),
)
# An announced cooperative act is an intention to cooperate (CAMEO 03): the
# intended act gives the sub-code, by the code table's own names (an intent to
# ease economic sanctions, 0354, mirrors easing them, 085).
INTENT_OF_ROOT = {"04": "036", "05": "032", "06": "031", "07": "033", "08": "035"}
INTENT_OF_CODE = {"061": "0311", "062": "0312", "063": "0313", "064": "0314",
                  "071": "0331", "072": "0332", "073": "0333", "074": "0334",
                  "081": "0351", "082": "0352", "084": "0353", "085": "0354", "086": "0355", "087": "0356",
                  "042": "036", "043": "036", "046": "036", "057": "032"}
INTENT_WORDS = {"will", "would", "shall", "plan", "intend", "ready", "willing", "prepared", "offer", "pledge",
                "promise", "vow", "expect", "hope", "seek", "aim"}


@dataclass(frozen=True)
class Pattern:
    code: str
    lemma: str
    noun: bool
    kind: str | None  # obj, to, or a preposition
    words: frozenset[str]


@lru_cache(maxsize=1)
def patterns() -> dict[tuple[str, bool], list[Pattern]]:
    index: dict[tuple[str, bool], list[Pattern]] = {}
    source = resources.files("onrecord.events").joinpath("data/patterns.tsv").read_text("utf-8")
    for line in source.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = [f.strip() for f in line.split("\t")]
        code, lemma = fields[0], fields[1]
        condition = fields[2] if len(fields) > 2 else ""
        noun = lemma.startswith("n:")
        kind, words = None, frozenset()
        if condition:
            kind, _, listed = condition.partition(":")
            words = frozenset(w for w in listed.split(",") if w)
        pattern = Pattern(code, lemma.removeprefix("n:"), noun, kind, words)
        index.setdefault((pattern.lemma, noun), []).append(pattern)
    for key, items in index.items():  # conditions first, in file order
        index[key] = sorted(items, key=lambda p: p.kind is None)
    return index


def _is(token: Token, words: frozenset[str]) -> bool:
    """The word is one of these, as written or as its lemma ("relations", "relation")."""
    return token.lemma_.lower() in words or token.lower_ in words


def _matches(pattern: Pattern, token: Token) -> bool:
    if pattern.kind is None:
        return True
    if pattern.kind == "obj":
        objects = [c for c in token.children if c.dep_ in ("dobj", "attr", "oprd", "nsubjpass")]
        if not pattern.words:
            return bool(objects)
        return any(_is(t, pattern.words) for o in objects for t in o.subtree)
    if pattern.kind == "to":
        verbs = [c for c in token.children if c.dep_ in ("xcomp", "ccomp") and c.pos_ in ("VERB", "AUX")]
        if not pattern.words:
            return bool(verbs)
        return any(_is(v, pattern.words) or any(_is(c, pattern.words) for c in v.children if c.dep_ == "conj")
                   for v in verbs)
    for child in token.children:  # a preposition
        if child.dep_ in ("prep", "dative", "prt") and child.lower_ == pattern.kind:
            if not pattern.words:
                return True
            return any(_is(t, pattern.words) for t in child.subtree)
    return False


class ActorCoder:
    """Actor codes for the words of one article, using its resolved actors."""

    def __init__(self, actors: list[Actor]) -> None:
        self.by_name = {}
        for actor in actors:
            for name in [actor.name, *actor.aliases]:
                self.by_name[name.lower()] = actor

    def code(self, token: Token, speaker_country: str | None = None) -> str | None:
        """The actor code of the phrase headed by `token`."""
        # the name itself, not its appositions, clauses or prepositional phrases
        phrase = [t for t in token.subtree if t.i <= token.i or t.dep_ in ("compound", "flat")]
        phrase = phrase if token.pos_ in ("NOUN", "PROPN", "ADJ") else [token]
        text = " ".join(t.text for t in phrase)
        lower = token.lower_
        if lower in ("we", "us", "our") or (token.lemma_.lower() == "country" and any(
                c.lower_ in ("his", "her", "its", "their", "our") for c in token.children)):
            return speaker_country
        for name, code in IGO_NAMES.items():
            if f" {name} " in f" {text.lower()} ":
                return code
        actor = self.by_name.get(_entity_text(token).lower())
        if actor is not None and actor.country:
            return actor.country + (actor.sector or "" if actor.type.value != "country" else "")
        if actor is not None and any("secretary-general" in r.lower() for r in actor.roles):
            return "IGOUNO"
        country = None
        for start, end, found in gazetteer().find_all(text):
            if found is not None:
                country = found.iso3
                break
        if country is None:
            return None
        sector = sector_of(token.lemma_) if token.pos_ == "NOUN" else None
        if token.lemma_.lower() in ("troop", "soldier", "army", "military", "force", "forces"):
            sector = "MIL"
        return country + (sector or "")


def _entity_text(token: Token) -> str:
    for ent in token.doc.ents:
        if ent.start <= token.i < ent.end:
            return ent.text
    return token.text


def _subject(token: Token) -> Token | None:
    node = token
    for _ in range(4):
        agent = next((c for c in node.children if c.dep_ == "agent"), None)
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "csubj")), None)
        if subject is not None:
            return subject
        if agent is not None:
            return next((c for c in agent.children if c.dep_ == "pobj"), None)
        if node.dep_ in ("xcomp", "conj", "advcl", "pcomp") and node.head.i != node.i:
            node = node.head
            continue
        break
    if token.pos_ == "NOUN":  # "Russian airstrikes", "Russia's attack", "attacks by the rebels"
        for child in token.children:
            if child.dep_ in ("amod", "poss", "compound", "nmod") and (child.pos_ in ("PROPN", "ADJ")):
                return child
            if child.dep_ == "prep" and child.lower_ == "by":
                return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _targets(token: Token, source: Token | None) -> list[Token]:
    """Candidate targets, best first: the object, the passive subject ("X
    was urged by Y": X), objects of to/against/on/..., the noun a compound
    event word modifies ("dive-bombing Kyiv")."""
    objects = [c for c in token.children if c.dep_ in ("dobj", "nsubjpass", "attr") and c is not source]
    for child in token.children:
        if child.dep_ in ("prep", "dative") and child.lower_ in TARGET_PREPOSITIONS:
            objects += [c for c in child.children if c.dep_ == "pobj"]
        elif child.dep_ == "dative":
            objects.append(child)
    if token.pos_ == "NOUN" and token.dep_ == "compound":
        objects.append(token.head)
    return objects


def _nearest_actor(coder: ActorCoder, token: Token, *, before: bool, speaker_country: str | None,
                   unlike: str | None = None) -> str | None:
    """The code of the nearest named actor (a country, an organisation, a
    person with a country) before or after the event word in its sentence."""
    sentence = token.sent
    words = [t for t in sentence if (t.i < token.i if before else t.i > token.i)]
    if before:
        words.reverse()
    for word in words:
        if word.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") or word.pos_ == "PROPN":
            code = coder.code(word, speaker_country)
            if code and code != unlike:
                return code
    return None


def _intended(token: Token) -> bool:
    """The act is announced, not done: "will release", "would meet", "plans
    to withdraw", "is ready to negotiate"."""
    if any(c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll") for c in token.children):
        return True
    head = token.head
    return token.dep_ in ("xcomp", "ccomp") and (head.lemma_.lower() in INTENT_WORDS)


def _hypothetical(token: Token) -> bool:
    node = token
    for _ in range(6):
        if any(c.lower_ in HYPOTHETICAL_MARKS and c.dep_ == "mark" for c in node.children):
            return True
        if any(c.lower_ in MODALS and c.dep_ == "aux" for c in node.children):
            return True
        if node.head.i == node.i:
            break
        node = node.head
    return False


def code_events(doc: Doc, statements: list[Statement], actors: list[Actor]) -> list[Event]:
    """The events of one parsed article."""
    coder = ActorCoder(actors)
    by_actor = {a.id: a for a in actors}
    events: list[Event] = []
    coded: list[tuple[Token, Event]] = []  # each event with the word it was coded from
    index = patterns()
    # admissions and denials are coded from their statements (015, 016) below
    statement_cues = {s.cue.span[0] for s in statements if s.cue and s.cue.span and s.cue_class in ("admit", "deny")}
    for token in doc:
        if token.pos_ not in ("VERB", "NOUN") or token.idx in statement_cues:
            continue
        candidates = index.get((token.lemma_.lower(), token.pos_ == "NOUN"), [])
        pattern = next((p for p in candidates if _matches(p, token)), None)
        if pattern is None:
            continue
        carrier = next((s for s in statements if s.content.span and s.content.span[0] <= token.idx < s.content.span[1]), None)
        speaker = by_actor.get(carrier.actor_id) if carrier is not None and carrier.actor_id else None
        speaker_country = speaker.country if speaker is not None else None
        subject = _subject(token)
        source = coder.code(subject, speaker_country) if subject is not None else None
        if source is None:
            # the parse gave no codable subject: the first actor before the
            # event word in its sentence, as dictionary coders do
            source = _nearest_actor(coder, token, before=True, speaker_country=speaker_country)
        if source is None and subject is not None:
            source = sector_of(subject.lemma_)  # "police", "rebels": a sector without a country
        target = next((code for code in (coder.code(t, speaker_country) for t in _targets(token, subject))
                       if code and code != source), None)
        if source is None:
            # nothing codable before it: the nearest actor after it that is not the target
            source = _nearest_actor(coder, token, before=False, speaker_country=speaker_country, unlike=target)
        source = source or ""
        if target is None:
            target = _nearest_actor(coder, token, before=False, speaker_country=speaker_country, unlike=source)
        negated = any(c.dep_ == "neg" for c in token.children)
        stance = carrier.stance if carrier is not None else None
        code = pattern.code
        if code in UNCONVENTIONAL and subject is not None and (
                subject.lemma_.lower() in NON_STATE_ATTACKERS or any(
                    t.lemma_.lower() in NON_STATE_ATTACKERS for t in subject.subtree)):
            code = UNCONVENTIONAL[code]
        if code == "190":
            words = {t.lemma_.lower() for t in token.sent}
            code = next((weapon_code for weapon_code, weapons in WEAPON_CODES if words & weapons), code)
        intended = _intended(token)
        if intended and code[:2] in INTENT_OF_ROOT:
            code = INTENT_OF_CODE.get(code[:3], INTENT_OF_ROOT[code[:2]])
        elif negated or (_hypothetical(token) and not intended):
            stance = Stance.DENY if negated else Stance.CONDITIONAL
        coded.append((token, Event(
            code=code, source=source, target=target or "", span=(token.idx, token.idx + len(token.text)),
            reported_by=carrier.id if carrier is not None else None, stance=stance,
        )))
    # An event word governed by another event word in its sentence is part of
    # that event ("agreed to resume talks" is one 03 event, not 03 and 04);
    # independent clauses keep their own events.
    # (Only within one statement's words: the parser sometimes hangs one
    # statement's clause under another's.)
    reported_by = {token.i: event.reported_by for token, event in coded}
    for token, event in coded:
        if not any(a.i in reported_by and reported_by[a.i] == event.reported_by for a in token.ancestors):
            events.append(event)
    # admissions and denials of one's own side's deeds (015, 016)
    for statement in statements:
        actor = by_actor.get(statement.actor_id) if statement.actor_id else None
        if actor is None or not actor.country or statement.cue_class not in ("admit", "deny"):
            continue
        code = "015" if statement.cue_class == "admit" else "016"
        source = actor.country + (actor.sector or "") if actor.type.value != "country" else actor.country
        # the act of admitting or denying happened, whatever it says of the deed
        events.append(Event(code=code, source=source, target="", span=statement.cue.span if statement.cue else None,
                            reported_by=statement.id))
    return _dedupe(events)


def _dedupe(events: list[Event]) -> list[Event]:
    seen, out = set(), []
    for event in events:
        key = (event.code, event.source, event.target, event.span)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out

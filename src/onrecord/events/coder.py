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

from dataclasses import dataclass, replace
from functools import lru_cache

from spacy.tokens import Doc, Token

from onrecord import lexicons
from onrecord.claims.stance import withheld_speech_act
from onrecord.model import Actor, Event, Stance, Statement
from onrecord.nlp.geo import gazetteer, sector_of

IGO_NAMES = {
    "un": "IGOUNO",
    "united nations": "IGOUNO",
    "security council": "IGOUNO",
    "secretary-general": "IGOUNO",
    "secretary general": "IGOUNO",
    "nato": "IGONAT",
    "european union": "IGOEU",
    "eu": "IGOEU",
    "african union": "IGOAFR",
    "world bank": "IGOWBK",
    "imf": "IGOIMF",
    "red cross": "NGOIRC",
}
TARGET_PREPOSITIONS = {"to", "against", "on", "at", "into", "with", "in", "from", "toward", "towards"}
HYPOTHETICAL_MARKS = {"if", "unless", "whether"}
MODALS = {"would", "could", "might", "may", "should"}
# Who commits unconventional violence (CAMEO 18) rather than fights (19).
NON_STATE_ATTACKERS = {
    "gunman",
    "militant",
    "terrorist",
    "bomber",
    "attacker",
    "insurgent",
    "assailant",
    "extremist",
    "jihadist",
    "kidnapper",
    "mob",
    "suicide",
    "rebel",
    "separatist",
    "guerrilla",
}
# (Shelling stays 194 whoever fires: artillery is a conventional weapon.)
UNCONVENTIONAL = {"190": "180", "193": "180", "195": "183"}
# Words that report a death or an attack without saying how: when they govern
# an event word that says how ("killed in a car bombing"), that one is the event.
UNSPECIFIC_VIOLENCE = {"kill", "attack", "die", "wound", "injure"}
# Within fighting (19), the weapon decides the code: CAMEO's definitions.
WEAPON_CODES = (
    ("195", {"jet", "aircraft", "airstrike", "drone", "helicopter", "warplane", "bomber", "plane", "air", "missile"}),
    ("194", {"artillery", "tank", "mortar", "rocket", "shell", "shelling", "howitzer", "cannon"}),
    ("193", {"gun", "rifle", "gunfire", "gunman", "sniper", "shooting", "bullet", "machine", "fire", "shoot", "shot"}),
)
# How an act is spoken of changes its code (data/modes.tsv): an announced
# cooperative act is an intention (03), an announced hostile one a threat (13),
# one the speaker says another "must" do a demand (10), "should" an appeal
# (02), one refused a rejection (12).
MODES = ("intent", "appeal", "demand", "reject", "threat")
# Generic codes of the words that carry a mode ("urged them to X", "refused to
# X"): they take the mode's code for the act they govern.
MODE_OF_ROOT = {"02": "appeal", "03": "intent", "10": "demand", "12": "reject", "13": "threat"}
INTENT_WORDS = {
    "will",
    "would",
    "shall",
    "plan",
    "intend",
    "ready",
    "willing",
    "prepared",
    "offer",
    "pledge",
    "promise",
    "vow",
    "swear",
    "expect",
    "hope",
    "seek",
    "aim",
}


DEMAND_AUX = {"must"}


# Codes whose last digit says what the political change is about (data/goals.tsv).
GOAL_CODES = {"141", "142", "143", "144", "145", "104", "024", "034", "083", "123"}


@lru_cache(maxsize=1)
def goal_digits() -> dict[str, str]:
    return {row[0]: row[1] for row in lexicons.rows("onrecord.events", "goals.tsv", least=2)}


def with_goal(code: str, token: Token) -> str:
    """ "protested demanding independence": 1454, not 145. The first goal
    word in the event word's phrase decides; protests demanding "reforms"
    are about policy (1412)."""
    if code == "100":
        code = "104" if _goal(token) else code  # a demand for reform or independence
    if code not in GOAL_CODES:
        return code
    digit = _goal(token)
    return code + digit if digit else code


def _goal(token: Token) -> str | None:
    digits = goal_digits()
    return next((digits[t.lemma_.lower()] for t in token.subtree if t.i > token.i and t.lemma_.lower() in digits), None)


@lru_cache(maxsize=1)
def mode_table() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for row in lexicons.rows("onrecord.events", "modes.tsv"):
        act, *codes = row.fields
        table[act] = {mode: code for mode, code in zip(MODES, codes) if code != "-"}
    return table


def code_in_mode(act_code: str, mode: str) -> str | None:
    """The code for speaking of `act_code` in `mode` ("0841", "demand" -> "1053")."""
    table = mode_table()
    for length in range(len(act_code), 1, -1):
        codes = table.get(act_code[:length])
        if codes is not None:
            return codes.get(mode)
    return None


@dataclass(frozen=True)
class Pattern:
    code: str
    lemma: str
    noun: bool
    kind: str | None  # obj, to, or a preposition
    words: frozenset[str]


DEMAND = Pattern("100", "", False, None, frozenset())


@lru_cache(maxsize=1)
def patterns() -> dict[tuple[str, bool], list[Pattern]]:
    index: dict[tuple[str, bool], list[Pattern]] = {}
    for row in lexicons.rows("onrecord.events", "patterns.tsv", least=2):
        fields = row.fields
        code, lemma = fields[0], fields[1]
        condition = fields[2] if len(fields) > 2 else ""
        noun = lemma.startswith("n:")
        kind: str | None = None
        words: frozenset[str] = frozenset()
        if condition:
            kind, _, listed = condition.partition(":")
            words = frozenset(w for w in listed.split(",") if w)
        pattern = Pattern(code, lemma.removeprefix("n:"), noun, kind, words)
        index.setdefault((pattern.lemma, noun), []).append(pattern)
    for key, items in index.items():  # conditions first, in file order
        index[key] = sorted(items, key=lambda p: p.kind is None)
    return index


@lru_cache(maxsize=1)
def _known_lemmas() -> frozenset[str]:
    """Every word a pattern starts with."""
    return frozenset(lemma.split()[0] for lemma, _ in patterns())


def _is(token: Token, words: frozenset[str]) -> bool:
    """The word is one of these, as written or as its lemma ("relations", "relation")."""
    return token.lemma_.lower() in words or token.lower_ in words


def _matches(pattern: Pattern, token: Token) -> bool:
    """The word meets the pattern's condition on its object, modifier,
    to-infinitive or preposition."""
    if pattern.kind is None:
        return True
    if pattern.kind == "obj":
        return _object_matches(pattern.words, token)
    if pattern.kind == "mod":  # a modifier of the word: "car bomb", "suicide bombing"
        return any(_is(c, pattern.words) for c in token.children if c.dep_ in ("compound", "amod", "nmod"))
    if pattern.kind == "to":
        return _infinitive_matches(pattern.words, token)
    for child in token.children:  # a preposition
        if child.dep_ in ("prep", "dative", "prt") and child.lower_ == pattern.kind:
            return not pattern.words or any(_is(t, pattern.words) for t in child.subtree)
    return False


def _object_matches(words: frozenset[str], token: Token) -> bool:
    objects = [c for c in token.children if c.dep_ in ("dobj", "attr", "oprd", "nsubjpass")]
    if not words:
        return bool(objects)
    return any(_is(t, words) for o in objects for t in o.subtree)


def _infinitive_matches(words: frozenset[str], token: Token) -> bool:
    verbs = [c for c in token.children if c.dep_ in ("xcomp", "ccomp", "acl") and c.pos_ in ("VERB", "AUX")]
    # "agreed to a ceasefire": the object of "to" stands for the act
    verbs += [
        o
        for c in token.children
        if c.dep_ == "prep" and c.lower_ == "to"
        for o in c.children
        if o.dep_ == "pobj" and o.pos_ == "NOUN"
    ]
    if not words:
        return bool(verbs)
    return any(_is(v, words) or any(_is(c, words) for c in v.children if c.dep_ == "conj") for v in verbs)


class ActorCoder:
    """Actor codes for the words of one article, using its resolved actors."""

    def __init__(self, actors: list[Actor]) -> None:
        self._entities: dict[int, str] | None = None
        self._entities_doc: Doc | None = None
        self.by_name = {}
        for actor in actors:
            for name in [actor.name, *actor.aliases]:
                self.by_name[name.lower()] = actor

    def code(self, token: Token, speaker_country: str | None = None) -> str | None:
        """The actor code of the phrase headed by `token`."""
        # the name itself, not its appositions, clauses or prepositional phrases
        phrase = [t for t in token.subtree if t.i <= token.i or t.dep_ in ("compound", "flat")]
        phrase = phrase if token.pos_ in ("NOUN", "PROPN", "ADJ") else [token]
        phrase = [t for t in phrase if not _maker(t)]
        if not phrase:
            return None
        text = " ".join(t.text for t in phrase)
        if token.lower_ in ("we", "us", "our") or (
            token.lemma_.lower() == "country"
            and any(c.lower_ in ("his", "her", "its", "their", "our") for c in token.children)
        ):
            return speaker_country
        igo = next((code for name, code in IGO_NAMES.items() if f" {name} " in f" {text.lower()} "), None)
        return igo or self._known_actor_code(token) or _country_code(token, text)

    def _known_actor_code(self, token: Token) -> str | None:
        """The code of an actor of the article the phrase names."""
        actor = self.by_name.get(self._entity_text(token).lower())
        if actor is not None and actor.country:
            return actor.country + (actor.sector or "" if actor.type.value != "country" else "")
        if actor is not None and any("secretary-general" in r.lower() for r in actor.roles):
            return "IGOUNO"
        return None

    def _entity_text(self, token: Token) -> str:
        """The named entity the word is part of, or the word ("Hossein
        Amirabdollahian" for "Amirabdollahian")."""
        if self._entities is None or self._entities_doc is not token.doc:
            # doc.ents builds its spans anew on each access: index them once
            self._entities_doc = token.doc
            self._entities = {i: ent.text for ent in token.doc.ents for i in range(ent.start, ent.end)}
        return self._entities.get(token.i, token.text)


MADE_WORDS = {"made", "built", "designed", "manufactured", "produced", "supplied"}


def _country_code(token: Token, text: str) -> str | None:
    """A country the phrase names, with the sector its head word names
    ("Russian troops": RUSMIL)."""
    country = next((found.iso3 for _start, _end, found in gazetteer().find_all(text)), None)
    if country is None:
        return None
    sector = sector_of(token.lemma_) if token.pos_ == "NOUN" else None
    if token.lemma_.lower() in ("troop", "soldier", "army", "military", "force", "forces"):
        sector = "MIL"
    return country + (sector or "")


def _maker(token: Token) -> bool:
    """The country that made a thing is not the one acting with it: "the
    Iranian-made drones" that Russia flies."""
    return token.head.lower_ in MADE_WORDS and token.dep_ in ("npadvmod", "compound", "amod", "nmod", "advmod")


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


def _nearest_actor(
    coder: ActorCoder, token: Token, *, before: bool, speaker_country: str | None, unlike: str | None = None
) -> str | None:
    """The code of the nearest named actor (a country, an organisation, a
    person with a country) before or after the event word in its sentence."""
    sentence = token.sent
    words = [t for t in sentence if (t.i < token.i if before else t.i > token.i)]
    if before:
        words.reverse()
    for word in words:
        if (word.ent_type_ in ("GPE", "NORP", "ORG", "PERSON") or word.pos_ == "PROPN") and not _maker(word):
            code = coder.code(word, speaker_country)
            if code and code != unlike:
                return code
    return None


def _previous_subject(coder: ActorCoder, token: Token, speaker_country: str | None, unlike: str | None) -> str | None:
    """The actor code of the subject of the sentence before this one."""
    start = token.sent.start
    if start == 0:
        return None
    previous = token.doc[start - 1].sent
    subject = next((c for c in previous.root.children if c.dep_ in ("nsubj", "nsubjpass")), None)
    code = coder.code(subject, speaker_country) if subject is not None else None
    return code if code and code != unlike else None


def _intended(token: Token) -> bool:
    """The act is announced, not done: "will release", "would meet", "plans
    to withdraw", "is ready to negotiate"."""
    if any(c.dep_ == "aux" and c.lower_ in ("will", "would", "shall", "'ll") for c in token.children):
        return True
    head = token.head
    return token.dep_ in ("xcomp", "ccomp") and (head.lemma_.lower() in INTENT_WORDS)


def _conjuncts(token: Token | None) -> tuple[Token, ...]:
    return token.conjuncts if token is not None else ()


def _unique(codes: list[str | None]) -> list[str]:
    return list(dict.fromkeys(c for c in codes if c))


def _aux(token: Token) -> set[str]:
    return {c.lower_ for c in token.children if c.dep_ == "aux"}


def _reported(token: Token, statements: list[Statement]) -> bool:
    return any(s.content.span and s.content.span[0] <= token.idx < s.content.span[1] for s in statements)


def _modes(token: Token, negated: bool, reported: bool) -> tuple[str, ...]:
    """How the act of `token` is spoken of, most specific first."""
    auxes = _aux(token)
    intended = _intended(token)
    if negated:
        return ("reject",) if intended else ()  # "will not release": a refusal
    if auxes & DEMAND_AUX:
        return ("demand",)
    if "should" in auxes and reported:
        return ("appeal",)
    if intended:
        return ("intent", "threat")  # the table has one or the other for an act
    return ()


def _depth(token: Token, ancestor: Token) -> int:
    depth = 0
    while token.i != ancestor.i and token.head.i != token.i:
        token, depth = token.head, depth + 1
    return depth


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
    return _dedupe(EventCoder(statements, actors).code(doc))


class EventCoder:
    """Codes one article's events: an event for each pattern word and each
    of its source-target pairs, then the words that are part of another's
    event folded into it, then the admissions and denials of the statements."""

    def __init__(self, statements: list[Statement], actors: list[Actor]) -> None:
        self.statements = statements
        self.actors = ActorCoder(actors)
        self.by_actor = {a.id: a for a in actors}
        self.index = patterns()
        self.known_lemmas = _known_lemmas()
        # admissions and denials are coded from their statements (015, 016), unless
        # a pattern codes the cue as something else ("denied the request")
        self.statement_cues = {
            s.cue.span[0] for s in statements if s.cue and s.cue.span and s.cue_class in ("admit", "deny")
        }
        self.recoded_cues: set[int] = set()
        self.act_codes: dict[int, str] = {}  # token index -> the code of the act itself, before any mode
        self.coded: list[tuple[Token, Event]] = []  # each event with the word it was coded from
        self.doc: Doc | None = None

    def code(self, doc: Doc) -> list[Event]:
        self.doc = doc
        for token in doc:
            self.coded.extend((token, event) for event in self.word_events(token))
        return self.folded_events() + self.statement_events()

    def pattern_for(self, token: Token) -> Pattern | None:
        """The pattern that codes this word, if any."""
        if token.pos_ not in ("VERB", "NOUN"):
            return None
        lemma = token.lemma_.lower()
        demanding = token.pos_ == "VERB" and bool(_aux(token) & DEMAND_AUX)
        if lemma not in self.known_lemmas and not demanding:
            return None  # most words: nothing to look up
        particles = [c.lower_ for c in token.children if c.dep_ == "prt"]
        # a phrasal verb's own patterns first ("call off" a strike is not "call" one)
        candidates = [p for particle in particles for p in self.index.get((f"{lemma} {particle}", False), [])]
        candidates += self.index.get((lemma, token.pos_ == "NOUN"), [])
        if token.idx in self.statement_cues:
            # "accepted the demands", "denied the request": what is accepted
            # or denied decides (083, 120); otherwise it is an admission or
            # denial, coded from its statement
            candidates = [p for p in candidates if p.kind is not None and p.code not in ("015", "016")]
            if not any(_matches(p, token) for p in candidates):
                return None
            self.recoded_cues.add(token.idx)
        pattern = next((p for p in candidates if _matches(p, token)), None)
        if pattern is None and demanding and _reported(token, self.statements):
            return DEMAND  # "X must ensure security", said by Y: a demand, whatever the act
        return pattern

    def carrier(self, token: Token) -> Statement | None:
        """The statement whose content holds the word."""
        return next(
            (s for s in self.statements if s.content.span and s.content.span[0] <= token.idx < s.content.span[1]),
            None,
        )

    def word_events(self, token: Token) -> list[Event]:
        pattern = self.pattern_for(token)
        if pattern is None:
            return []
        carrier = self.carrier(token)
        speaker = self.by_actor.get(carrier.actor_id) if carrier is not None and carrier.actor_id else None
        speaker_country = speaker.country if speaker is not None else None
        subject = _subject(token)
        code = _specific_code(pattern.code, token, subject)
        self.act_codes[token.i] = code
        negated = any(c.dep_ == "neg" for c in token.children)
        stance = carrier.stance if carrier is not None else None
        moded = next(
            (c for c in (code_in_mode(code, m) for m in _modes(token, negated, carrier is not None)) if c), None
        )
        if moded:
            code = moded  # the announcement, demand or refusal happened, whatever becomes of the act
        elif negated or (_hypothetical(token) and not _intended(token)):
            stance = Stance.DENY if negated else Stance.CONDITIONAL
        return [
            Event(
                code=code,
                source=source,
                target=target or "",
                span=(token.idx, token.idx + len(token.text)),
                reported_by=carrier.id if carrier is not None else None,
                stance=stance,
            )
            for source, target in self.dyads(token, subject, speaker_country)
        ]

    def dyads(self, token: Token, subject: Token | None, speaker_country: str | None) -> list[tuple[str, str]]:
        """Who did it to whom: (source, target) pairs. Coordinated actors each
        take part: "the US and Jordan agreed" is an agreement of each with the
        other; "attacked Kharkiv and Odesa" two attacks."""
        coder = self.actors
        source = self.subject_code(token, subject, speaker_country)
        target_word = next(
            (t for t in _targets(token, subject) if (code := coder.code(t, speaker_country)) and code != source), None
        )
        target = coder.code(target_word, speaker_country) if target_word is not None else None
        if source is None:
            # nothing codable before it in its sentence: whom the article was
            # just speaking of (the previous sentence's subject), else the
            # nearest actor after it that is not the target
            source = _previous_subject(coder, token, speaker_country, unlike=target) or _nearest_actor(
                coder, token, before=False, speaker_country=speaker_country, unlike=target
            )
        source = source or ""
        sources = _unique([source, *(coder.code(c, speaker_country) for c in _conjuncts(subject))]) or [""]
        targets = _unique([target, *(coder.code(c, speaker_country) for c in _conjuncts(target_word))])
        if target is None and len(sources) > 1:
            return [(a, b) for a in sources for b in sources if a != b]
        if target is None:
            target = _nearest_actor(coder, token, before=False, speaker_country=speaker_country, unlike=source)
            targets = [target] if target else []
        return [(a, b) for a in sources for b in (targets or [""]) if a != b or not a]

    def subject_code(self, token: Token, subject: Token | None, speaker_country: str | None) -> str | None:
        """The actor code of who does it, from the parse or the sentence."""
        source = self.actors.code(subject, speaker_country) if subject is not None else None
        if source is None:
            # the parse gave no codable subject: the first actor before the
            # event word in its sentence, as dictionary coders do
            source = _nearest_actor(self.actors, token, before=True, speaker_country=speaker_country)
        if source is None and subject is not None:
            source = sector_of(subject.lemma_)  # "police", "rebels": a sector without a country
        return source

    def folded_events(self) -> list[Event]:
        """An event word governed by another event word in its sentence is
        part of that event ("agreed to resume talks" is one 03 event, not 03
        and 04); independent clauses keep their own events. (Only within one
        statement's words: the parser sometimes hangs one statement's clause
        under another's.)"""
        coded = self.coded
        reported_by = {token.i: event.reported_by for token, event in coded}
        cue_at = {s.id: s.cue.span[0] for s in self.statements if s.cue and s.cue.span}

        def part_of(governed: Event, word: Token) -> bool:
            """The event is part of the event coded from `word`: in the same
            statement, or in the statement that `word` introduces ("urged Chile
            to release ...")."""
            return word.i in reported_by and (
                reported_by[word.i] == governed.reported_by
                or (governed.reported_by is not None and cue_at.get(governed.reported_by) == word.idx)
            )

        deferring = _deferring(coded)
        events = []
        for token, event in coded:
            if token.i in deferring or any(part_of(event, a) and a.i not in deferring for a in token.ancestors):
                continue
            mode = MODE_OF_ROOT.get(event.code[:2])
            if mode is not None:
                # "urged Russia to release ...": the appeal takes the act's code (0253)
                governed = sorted(
                    (_depth(t, token), t.i) for t, e in coded if token in t.ancestors and part_of(e, token)
                )
                for _, i in governed:
                    moded = code_in_mode(self.act_codes[i], mode)
                    if moded and (moded.startswith(event.code) or event.code.endswith("0")):
                        event = replace(event, code=moded)
                        break
            events.append(event)
        return events

    def statement_events(self) -> list[Event]:
        """Admissions and denials of one's own side's deeds (015, 016): the act
        of admitting or denying happened, whatever it says of the deed."""
        events = []
        for statement in self.statements:
            actor = self.by_actor.get(statement.actor_id) if statement.actor_id else None
            if actor is None or not actor.country or statement.cue_class not in ("admit", "deny"):
                continue
            if statement.cue and statement.cue.span and statement.cue.span[0] in self.recoded_cues:
                continue
            if withheld_speech_act(statement, self.doc) is not None:
                continue  # "refused to concede", "did not deny": no admission or denial happened
            code = "015" if statement.cue_class == "admit" else "016"
            source = actor.country + (actor.sector or "") if actor.type.value != "country" else actor.country
            events.append(
                Event(
                    code=code,
                    source=source,
                    target="",
                    span=statement.cue.span if statement.cue else None,
                    reported_by=statement.id,
                )
            )
        return events


def _deferring(coded: list[tuple[Token, Event]]) -> set[int]:
    """The words of unspecific violence ("violence", "fighting") that govern
    a specific act of violence: the specific act codes the event."""
    specific = {t.i for t, e in coded if e.code[:2] in ("18", "19", "20")}
    return {
        t.i
        for t, e in coded
        if t.lemma_.lower() in UNSPECIFIC_VIOLENCE
        and any(s in specific and s != t.i and t in t.doc[s].ancestors for s in specific)
    }


def _specific_code(code: str, token: Token, subject: Token | None) -> str:
    """A pattern's code made specific by who acts and with what, and by the
    act's goal."""
    subject_words = {t.lemma_.lower() for t in subject.subtree} if subject is not None else set()
    if code[:2] in ("18", "19") and subject is not None and any(t.lower_ == "suicide" for t in subject.subtree):
        code = "1831"  # "suicide bombers attacked": CAMEO's own code whatever the verb
    elif code in UNCONVENTIONAL and subject_words & NON_STATE_ATTACKERS:
        code = UNCONVENTIONAL[code]
    if code in ("193", "194") and subject is not None and subject.lemma_.lower() in WEAPON_CODES[0][1]:
        code = "195"  # "helicopters shelled the town": aerial weapons whatever the verb
    if code == "190":
        words = {t.lemma_.lower() for t in token.sent}
        code = next((weapon_code for weapon_code, weapons in WEAPON_CODES if words & weapons), code)
    return with_goal(code, token)


def _dedupe(events: list[Event]) -> list[Event]:
    seen: set[tuple] = set()
    out: list[Event] = []
    for event in events:
        key = (event.code, event.source, event.target, event.span)
        if key not in seen:
            seen.add(key)
            out.append(event)
    return out

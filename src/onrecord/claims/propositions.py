"""From a statement's content to a proposition, and which propositions are
the same claim.

A proposition is a predicate (claims/predicates.py: a closed frame of
data/frames.tsv, "supplied", "gave", "arming" and "the transfer"; an open
group of data/predicates.tsv, "quit" and "step down"; or the content's own
main word, reached through "plans to", "there is no plan to", "made an
offer") with its participants: countries (names, demonyms and capitals, and
"his country", "we", "it" through the speaker's own country), other names,
the key nouns ("drones"), and the speaker's side for "I" and "we". Two
propositions are one claim when their predicates have one key, they share a
participant and nothing clashes in one role: recipients ("a ban on exports
to India" is not "a ban on exports to China"), objects by name or by the
words that say which one ("its studio stage", "its main stage"), years. A
content that only points back ("the accusations", "the supply") joins the
claim it points to.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from onrecord import lexicons
from onrecord.claims.predicates import Predicate, lexicon, predicate_of, word_lists
from onrecord.nlp.geo import gazetteer
from onrecord.nlp.identity import name_titles
from onrecord.nlp.speakers import names_organisation
from onrecord.settings import DEFAULT_SETTINGS

# Nouns whose content is another statement's claim: "called the accusations
# false" denies whatever was alleged just before.
ANAPHORIC_NOUNS = {
    "accusation",
    "allegation",
    "claim",
    "report",
    "rumour",
    "rumor",
    "charge",
    "suggestion",
    "story",
    "assertion",
    "reports",
    "claims",
}
# Words that carry no participant: time, quantity, generic nouns.
GENERIC_NOUNS = {
    "number",
    "time",
    "month",
    "year",
    "week",
    "day",
    "place",
    "way",
    "part",
    "thing",
    "lot",
    "people",
    "country",
    "issue",
    "possession",
    "document",
    "fact",
    "case",
    "point",
    "kind",
    "side",
    "war",
    "conflict",
    "crisis",
    "world",
    "position",
}
FIRST_PERSON_PLURAL = {"we", "us", "our", "ours"}
FIRST_PERSON = {"i", "me", "my", "mine"}
THIRD_PERSON_OWN = {"his", "her", "its", "their"}
RECIPIENT_VERBS = {"supply", "arm", "provide", "equip", "furnish"}


@lru_cache(maxsize=1)
def frames() -> dict[str, Predicate]:
    """The closed frames of data/frames.tsv, by word."""
    return {lemma: p for lemma, p in lexicon().items() if p.framed}


def word_key(token: Token) -> str:
    """A predicate word as the lexicon lists it: a phrasal verb with its
    particle ("pull out", "call off"), else the lemma."""
    particle = next((c for c in token.children if c.dep_ == "prt"), None)
    lemma = token.lemma_.lower()
    if particle is not None and f"{lemma} {particle.lower_}" in lexicon():
        return f"{lemma} {particle.lower_}"
    complement = next((c for c in token.children if c.dep_ in ("acomp", "oprd")), None)
    if complement is not None and f"{lemma} {complement.lower_}" in lexicon():
        return f"{lemma} {complement.lower_}"  # "plead guilty"
    return lemma


@dataclass
class Proposition:
    frame: Predicate | None = None  # what the predicate means: a frame, an open group, or the word itself
    predicate: Token | None = None
    participants: set[str] = field(default_factory=set)  # "C:IRN", "N:guterres", "T:drone"
    recipients: set[str] = field(default_factory=set)
    objects: set[str] = field(default_factory=set)  # names and countries the predicate acts on
    arguments: set[str] = field(default_factory=set)  # the predicate's own object and complements ("for mayor")
    negated: bool = False
    anaphoric: bool = False  # "the accusations": stands for a claim made elsewhere
    agent: str | None = None  # the predicate's subject, as a participant key
    theme: str | None = None  # what is supplied, used, built...
    theme_text: str | None = None  # the theme as written ("drones")
    text: str = ""  # the content's clause, without its negation: the claim in the speaker's words

    @property
    def completeness(self) -> int:
        """How much of who-did-what-to-whom this proposition states."""
        return (self.frame is not None) + (self.agent is not None) + (self.theme is not None) + bool(self.recipients)

    @property
    def core(self) -> set[str]:
        """What the claim is about, for matching across articles: who acts,
        on what and for whom, and the names and countries it involves; not
        every noun of the content ("more Americans", "the campaign"), which
        would tie unrelated stories together."""
        keys = (
            {self.agent, self.theme}
            | self.recipients
            | self.arguments
            | {k for k in self.objects if not k.startswith("M:")}
        )
        keys |= {k for k in self.participants if k.startswith(("N:", "C:", "Y:"))}
        return {k for k in keys if k}

    @property
    def sign(self) -> int:
        """-1 when the predicate is the opposite of its claim's ("rejected" of `approve`)."""
        return self.frame.sign if self.frame is not None else 1

    @property
    def definite_event(self) -> bool:
        """A predicate that is a noun the text has already told of: "the
        leak", "this attack", "their transfer"."""
        p = self.predicate
        return (
            p is not None
            and p.pos_ == "NOUN"
            and any(c.dep_ in ("det", "poss") and c.lower_ not in ("a", "an", "any", "no") for c in p.children)
        )

    @property
    def bare(self) -> bool:
        """A predicate with nothing of its own to say who or what ("the supply")."""
        return (
            self.frame is not None
            and self.predicate is not None
            and not (self.participants - {"T:" + self.predicate.lemma_.lower()})
        )

    def clashes(self, other: Proposition) -> bool:
        """Both name who receives, and they differ (exports to India, to China),
        both name what is acted on by name, and they differ (a deal with one
        company, with another), or both name a year, and they differ (fees
        for 2025, for 2026)."""
        return (
            keys_clash(self.recipients, other.recipients)
            or any(
                keys_clash({k for k in self.objects if k[0] in kinds}, {k for k in other.objects if k[0] in kinds})
                for kinds in ("NC", "M")
            )
            or keys_clash(years(self.participants), years(other.participants))
        )

    def shared(self, other: Proposition) -> set[str]:
        """The participants both name, but a year alone or the predicate's own word."""
        own = {"T:" + p.predicate.lemma_.lower() for p in (self, other) if p.predicate is not None}
        return (self.participants & other.participants) - years(self.participants) - own

    def matches(self, other: Proposition, same_article: bool = False) -> bool:
        """Same predicate, no clash, and a shared participant. Within one
        article, two closed frames without clashing agents are taken for one
        event ("tanker leaked diesel" and "the leak was limited to one
        berth"); an open predicate needs a shared participant there too: a
        verb alone makes no claim."""
        if self.frame is None or other.frame is None or self.frame.key != other.frame.key:
            return False
        if self.clashes(other):
            return False
        if self.bare or other.bare:
            return True
        if same_article and self.frame.framed and other.frame.framed:
            agents_clash = (
                self.agent
                and other.agent
                and self.agent.startswith("C:")
                and other.agent.startswith("C:")
                and self.agent != other.agent
            )
            # within an article, two closed frames are one event when they share
            # a participant or one names the event already told ("the leak was
            # limited to one berth"); a shared verb alone made catch-all claims on
            # polnear_train ("build on Obama's legacy" with "develop more
            # ambitious plans"; 18 of 20 sampled claims false at 8bce66b)
            told = self.definite_event or other.definite_event
            return not agents_clash and (told or bool(self.shared(other)))
        if self.frame.framed and other.frame.framed:
            return bool(self.shared(other))
        # an open predicate: what it acts on in common ("close the library"),
        # or two things shared; one shared noun anywhere in two sentences is
        # chance (on polnear_train, 19 of 20 sampled claims were such)
        arguments = {k for k in self.arguments & other.arguments if not k.startswith("M:")}
        return bool(arguments) or len(self.shared(other)) >= 2


# Pronouns that, as the subject of a content, are mostly its speaker: the
# first person always; the third person when it fits the speaker ("the
# company said it would", "she said she would not run"), since otherwise it
# is mostly someone the content is about ("Aravia said they had been spying").
SPEAKER_PRONOUNS = {
    "i": None,
    "we": None,
    "me": None,
    "us": None,
    "he": "person",
    "him": "person",
    "she": "person",
    "her": "person",
    "it": "organization",
    "they": "group",
    "them": "group",
}


def _subject_above(predicate: Token) -> Token | None:
    """The predicate's subject, or that of the clause it completes ("we
    plan to sell", "it was in talks", "she would not be a candidate")."""
    node = predicate
    for _ in range(4):
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            return subject
        if node.dep_ not in ("xcomp", "attr", "acomp", "acl", "pobj", "prep", "oprd") or node.head.i == node.i:
            return None
        node = node.head
    return None


@lru_cache(maxsize=1)
def generic_organisations() -> frozenset[str]:
    """ "company", "council", "club": a body named by what it is (data/generic_organisations.txt)."""
    return lexicons.words("onrecord.claims", "generic_organisations.txt")


def proposition(
    doc: Doc,
    start: int,
    end: int,
    speaker_country: str | None = None,
    speaker_key: str | None = None,
    speaker_name: str | None = None,
    speaker_kind: str | None = None,
    snap_threshold: float = DEFAULT_SETTINGS.claims.predicate_snap_threshold,
) -> Proposition:
    """The proposition of the content between two character offsets.
    `speaker_key` is the participant the speaker's side is ("N:halvorsen"):
    in an open predicate's clause, a pronoun subject or object ("I am not
    running", "we are selling") is mostly the speaker's side."""
    span = doc.char_span(start, end, alignment_mode="expand")
    prop = Proposition()
    if span is None or len(span) == 0:
        return prop
    predicate, points_back = _claim_predicate(span)
    if predicate is None:
        prop.participants = _participants(span, speaker_country)
        prop.anaphoric = points_back
        return prop
    prop.predicate = predicate
    prop.frame = predicate_of(word_key(predicate), snap_threshold)
    prop.negated = any(c.dep_ == "neg" for c in predicate.children) or any(
        c.dep_ == "neg" for c in predicate.head.children if predicate.dep_ in ("xcomp", "ccomp", "acomp")
    )
    prop.recipients = _recipients(predicate, speaker_country)
    prop.objects = _objects(predicate, speaker_country)
    prop.arguments = _arguments(predicate, speaker_country)
    prop.text = _clause_text(predicate, span)
    if prop.frame is not None and not prop.frame.framed:
        # an open predicate's participants are its own clause's, not every word of the content
        clause = [t for t in predicate.subtree if span.start <= t.i < span.end]
        prop.participants = _participants(doc[clause[0].i : clause[-1].i + 1], speaker_country) if clause else set()
    else:
        prop.participants = _participants(span, speaker_country)
    if prop.frame is None and points_back:
        prop.anaphoric = True
    prop.agent = _agent(predicate, speaker_country)
    if prop.agent is None and speaker_key and prop.frame is not None:
        _speaker_as_agent(prop, predicate, span, speaker_key, speaker_name, speaker_kind)
    if prop.agent:
        prop.participants.add(prop.agent)
    if (
        speaker_key
        and prop.frame is not None
        and any(
            t.lower_ in FIRST_PERSON | FIRST_PERSON_PLURAL for t in predicate.subtree if span.start <= t.i < span.end
        )
    ):
        prop.participants.add(speaker_key)  # "our members have accepted": the speaker's side is in it
    theme = _theme(predicate, speaker_country)
    if theme is not None:
        prop.theme, prop.theme_text = _key(theme, speaker_country), theme.text
    return prop


def _claim_predicate(span: Span) -> tuple[Token | None, bool]:
    """The predicate that holds the claim, and whether the content points
    back to an earlier claim ("the accusations"). The first sentence with a
    predicate holds the claim, as it holds the stance (stance.first_sentence):
    "We made a bid in June. It was rejected, ..." is about the bid."""
    first = first_sentence(span)
    parts = [first, span] if len(first) < len(span) else [span]
    if len(first) < len(span):
        # "The images speak for themselves. Stones were thrown at officers.": when
        # the first sentence says nothing of its own, the next one holds the claim
        rest = span.doc[first.end : span.end]
        while rest and (rest[0].is_punct or rest[0].is_space):
            rest = span.doc[rest.start + 1 : span.end]
        if len(rest):
            parts.insert(1, first_sentence(rest))
    predicate, points_back = None, False
    for part in parts:
        predicate = _main_predicate(part)
        if predicate is not None and not _in_that_clause(predicate, part):
            # "Our investigation so far shows that no customer data was
            # accessed": what the content says is in its that-clause, listed or not
            clause = next((t for t in part if _that_clause_verb(t) and not _in_that_clause(t.head, part)), None)
            inner = _open_predicate(part.doc[clause.left_edge.i : clause.right_edge.i + 1]) if clause else None
            if inner is not None and part.start <= inner.i < part.end:
                predicate = inner
        points_back = _points_back(part)
        if predicate is None and not points_back:
            predicate = _open_predicate(part)
        whole = part is parts[-1]
        if points_back or predicate is not None and (whole or not only_judges(predicate)):
            break
    return predicate, points_back


def _that_clause_verb(token: Token) -> bool:
    return (
        token.dep_ == "ccomp"
        and token.pos_ in ("VERB", "AUX")
        and any(c.dep_ == "mark" and c.lower_ in ("that", "whether") for c in token.children)
    )


def _in_that_clause(token: Token, part: Span) -> bool:
    return _on_the_way_up(token, part, _that_clause_verb)


def _points_back(part: Span) -> bool:
    """Whether the content is about a claim made elsewhere ("the
    accusations", "the report is false"): the noun heads it or is its main
    clause's subject or object; "members were alarmed by the report" says
    something of its own."""
    root = part.root
    verbless = not any(t.pos_ in ("VERB", "AUX") for t in part)  # 'the accusations "absolutely false."'
    return any(
        t.lemma_.lower() in ANAPHORIC_NOUNS
        and t.pos_ == "NOUN"
        and (verbless or t.i == root.i or (t.head.i == root.i and t.dep_ in ("nsubj", "nsubjpass", "dobj", "attr")))
        for t in part
    )


def _speaker_as_agent(
    prop: Proposition,
    predicate: Token,
    span: Span,
    speaker_key: str,
    speaker_name: str | None,
    speaker_kind: str | None,
) -> None:
    """A pronoun subject that stands for the speaker's side ("we are
    selling"), or the speaker's own body by its common noun ("the council is
    not selling", said for Brindleford Borough Council), makes the speaker's
    side the agent."""
    subject = _subject_above(predicate)
    if subject is None:
        return
    own_body = (
        speaker_name is not None
        and subject.lemma_.lower() in generic_organisations()
        and subject.lemma_.lower() in speaker_name.lower()
    )
    # in the speaker's own quoted words "she" is someone else ("She is doping,"
    # the rival coach said); only reported speech makes the speaker a "she"
    quoted = span.text.lstrip()[:1] in ('"', "\u201c") and SPEAKER_PRONOUNS.get(subject.lower_) is not None
    pronoun_for_speaker = (
        not quoted
        and subject.lower_ in SPEAKER_PRONOUNS
        and SPEAKER_PRONOUNS[subject.lower_]
        in (
            None,
            speaker_kind,
            "organization" if speaker_kind in ("country", "group") else None,
        )
    )
    if own_body or pronoun_for_speaker:
        prop.agent = speaker_key
        if speaker_name:
            prop.text = _clause_text(predicate, span, {subject.i: speaker_name})


_SENTENCE_END = re.compile(r"(?<=[a-z0-9][.!?])\s+(?=[“\"‘']?[A-Z])")


def only_judges(predicate: Token) -> bool:
    """ "This is nonsense.", "That is not true.": a sentence that judges what
    was said, whose claim is in the next one."""
    subject = _subject_above(predicate)
    return (
        subject is not None
        and subject.lower_ in ("this", "that", "it")
        and (predicate.lemma_ == "be" or predicate.head.lemma_ == "be")
    )


def first_sentence(span: Span) -> Span:
    """The first sentence of a content span: by the parse, and inside a
    quotation (which the parser keeps whole when its attribution follows)
    at a full stop before a capital."""
    first = next(iter(span.sents))  # type: ignore[attr-defined]  # spaCy's stubs omit Span.sents
    part = span.doc[max(span.start, first.start) : min(span.end, first.end)]
    cut = next((m for m in _SENTENCE_END.finditer(part.text) if not _abbreviation_before(part.text, m.start())), None)
    if cut is not None:
        trimmed = span.doc.char_span(part.start_char, part.start_char + cut.start(), alignment_mode="expand")
        if trimmed is not None and len(trimmed):
            part = trimmed
    return part if len(part) else span


def _abbreviation_before(text: str, end: int) -> bool:
    """The full stop ending at `end` closes an abbreviation ("Mr.", "Sgt.",
    "St.", an initial), not a sentence."""
    word = re.search(r"(\w+)[.!?]$", text[:end])
    if word is None:
        return False
    stem = word.group(1).lower()
    return len(stem) == 1 or stem in name_titles() or stem in NON_TITLE_ABBREVIATIONS


# Abbreviations before a capital that are not titles of a name.
NON_TITLE_ABBREVIATIONS = {
    "st",
    "mt",
    "ft",
    "jr",
    "sr",
    "no",
    "vs",
    "inc",
    "co",
    "corp",
    "ltd",
    "jan",
    "feb",
    "aug",
    "sept",
    "oct",
    "nov",
    "dec",
}


def _main_predicate(span: Span) -> Token | None:
    """The listed predicate word the content is about: not one in a clause
    that only sets the scene ("after a report sent shares up"). A clause the
    content introduces with "that", "whether" or "if" holds the proposition
    under discussion ("they should provide documents that Russia used drones"
    is about use), so a word inside one wins; then the one nearest the root."""
    table = lexicon()
    candidates = [
        t
        for t in span
        if word_key(t) in table
        and t.pos_ in ("VERB", "NOUN", "ADJ", "AUX")
        and not _under_knowledge(t, span)
        and not _in_aside(t, span)
        and not _habitual(t)
    ]
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
        return _on_the_way_up(
            token,
            span,
            lambda node: (
                node.dep_ == "advcl"
                and any(c.dep_ == "mark" and c.lower_ in SCENE_SETTERS for c in node.children)
                or node.dep_ in ("pcomp", "pobj")
                and node.head.lower_ in SCENE_SETTERS
            ),
        )

    def in_modifier(token: Token) -> bool:
        """A listed word that only describes a participant ("the recently
        opened plant", "a man who left"): deeper words of the main clause win."""
        return token.dep_ in ("amod", "compound", "relcl", "acl") and token.head.pos_ in ("NOUN", "PROPN")

    # a listed word only in a scene-setting clause ('threw stones ... after
    # tractors were blocked'): the main clause's own verb, listed or not, holds it
    candidates = [t for t in candidates if not adverbial(t)]
    if not candidates:
        return None
    best = min(
        candidates,
        key=lambda t: (
            in_modifier(t) and (t.dep_ in ("compound", "amod") or depth(t) > 3),
            not marked(t) if len(candidates) > 1 else False,
            depth(t),
            t.i,
        ),
    )
    return _verb_over_object(best, span) or best


def _verb_over_object(noun: Token, span: Span) -> Token | None:
    """ "defrauded investors through a fake real estate fund": a listed noun
    in a prepositional phrase only says how or where; the verb it hangs on
    says what was done (not a light or support verb: "held talks" stays talks)."""
    if noun.pos_ != "NOUN" or noun.dep_ != "pobj":
        return None
    lists = word_lists()
    node = noun.head
    for _ in range(4):
        if not (span.start <= node.i < span.end):
            return None
        if node.pos_ == "VERB":
            lemma = node.lemma_.lower()
            if lemma in lists["light"] or lemma in lists["generic"] or not _content_word(node):
                return None
            return node
        if node.head.i == node.i:
            return None
        node = node.head
    return None


def _open_predicate(span: Span) -> Token | None:
    """The predicate of a content with no listed word: its main clause's
    verb, reached through heads that only frame it ("plans to ...", "there
    is no plan to ..."), or a copula's complement ("the bridge is safe");
    none when it says nothing of its own ("we have", "it is what it is")."""
    sentence = next(iter(span.sents))  # type: ignore[attr-defined]  # spaCy's stubs omit Span.sents
    root = span.doc[max(sentence.start, span.start) : min(sentence.end, span.end)].root
    node, decided, complement = _below_light_heads(root, span)
    if decided:
        return complement
    if node.pos_ in ("NOUN", "PROPN"):
        # "(images showed) demonstrators throwing stones at officers": the
        # participle says what the noun did
        doing = next((c for c in node.children if c.dep_ == "acl" and c.tag_ == "VBG" and c.i < span.end), None)
        if doing is not None and _content_word(doing):
            node = doing
    if node.lemma_.lower() in word_lists()["generic"]:
        return _act_of_generic_verb(node, span)
    if node.pos_ not in ("VERB", "NOUN", "ADJ") or not _content_word(node):
        return None
    return node


def _below_light_heads(node: Token, span: Span) -> tuple[Token, bool, Token | None]:
    """From a clause's root down through the heads that only frame it ("plans
    to", "wants to"): the node reached; or, when a copula's complement
    decides it, (node, True, the complement, or None when it says nothing:
    "the bridge is safe", "it is what it is")."""
    lists = word_lists()
    for _ in range(6):
        lemma = node.lemma_.lower()
        if lemma not in lists["light"]:
            break
        complements = [c for c in node.children if span.start <= c.i < span.end]
        below = next(
            (c for c in complements if c.dep_ in ("xcomp", "ccomp", "acl", "relcl") and c.pos_ in ("VERB", "AUX")),
            None,
        )
        if below is None and lemma == "be":
            below = next((c for c in complements if c.dep_ in ("attr", "acomp")), None)
            if below is not None and below.lemma_.lower() not in lists["light"]:
                said = below.pos_ in ("NOUN", "ADJ", "PROPN") and _content_word(below)
                return node, True, below if said else None
        if below is None:
            break
        node = below
    return node, False, None


def _act_of_generic_verb(node: Token, span: Span) -> Token | None:
    """What a verb of saying little says: its clause ("we now know that
    customer data was accessed"), or the object naming the act ("made an
    offer", "gave an assurance", "took the decision")."""
    inside = [c for c in node.children if span.start <= c.i < span.end]
    clause = next((c for c in inside if c.dep_ == "ccomp" and c.pos_ in ("VERB", "AUX")), None)
    if clause is not None and _content_word(clause):
        return clause
    return next((c for c in inside if c.dep_ == "dobj" and c.pos_ == "NOUN" and _content_word(c)), None)


def _content_word(token: Token) -> bool:
    return token.is_alpha and len(token.text) > 2 and not token.is_stop and token.lemma_.lower() not in GENERIC_NOUNS


# A pronoun subject replaced by a name takes the third person singular.
THIRD_PERSON = {"am": "is", "are": "is", "were": "was", "have": "has", "do": "does"}
CONTRACTIONS = {"'re": "is", "'m": "is", "'ve": "has", "'s": "is", "'ll": "will", "'d": "would"}


def _clause_text(predicate: Token, span: Span, names: dict[int, str] | None = None) -> str:
    """The predicate's clause as written, without its negation and without
    "that": "the bank would not sell its insurance arm" reads "the bank would
    sell its insurance arm"; `names` puts a name for a pronoun ("I am not
    running" is "Naomi Brandt is running")."""
    names = names or {}
    words = []
    for t in _clause_tokens(predicate, span):
        word = names.get(t.i, t.text)
        if names and t.i - 1 in names and t.lower_.replace("’", "'") in CONTRACTIONS:
            word = " " + CONTRACTIONS[t.lower_.replace("’", "'")]  # "we're" is "Hillary Clinton is"
        elif names and t.dep_ in ("aux", "auxpass", "ROOT", "cop") and t.lower_ in THIRD_PERSON and t.i - 1 in names:
            word = THIRD_PERSON[t.lower_]
        words.append(word + t.whitespace_)
    text = "".join(words).strip().strip(',.;:"“”')
    return text[:1].upper() + text[1:] if text else ""


def _negates(word: Token, predicate: Token) -> bool:
    """Whether a "not" or "no" is the predicate's own negation (the one its
    polarity reads), not that of another clause joined to it: in "checked the
    quay and found no damage" the "no" is "found"'s, and stays in the text."""
    if word.head == predicate:
        return True
    verb = word.head
    while verb.pos_ not in ("VERB", "AUX") and verb.head != verb:
        verb = verb.head
    own = {predicate, predicate.head} if predicate.dep_ in ("xcomp", "attr", "acomp", "dobj", "nsubj") else {predicate}
    return verb in own


def _clause_tokens(predicate: Token, span: Span) -> list[Token]:
    """The words of the predicate's clause inside the content, in order:
    without asides, "that" or a negation; with the subject of a verb it
    completes ("is expected to resign": who is expected)."""
    aside = {
        t.i for c in predicate.children if c.dep_ in ("advcl", "parataxis") and c.i > predicate.i for t in c.subtree
    }
    tokens = [
        t
        for t in predicate.subtree
        if span.start <= t.i < span.end
        and t.dep_ != "mark"
        and t.i not in aside
        and not (t.dep_ in ("neg", "det") and t.lower_ in ("not", "n't", "never", "no") and _negates(t, predicate))
    ]
    subject = (
        next((c for c in predicate.head.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if predicate.dep_ in ("xcomp", "attr", "acomp")
        else None
    )
    if subject is not None and span.start <= subject.i < span.end:
        auxiliaries = {c for c in predicate.head.children if c.dep_ in ("aux", "auxpass") and c.i < predicate.i}
        tokens = sorted(set(tokens) | set(subject.subtree) | {predicate.head} | auxiliaries, key=lambda t: t.i)
    if tokens and tokens[0].dep_ == "aux" and tokens[0].lower_ == "to":
        tokens = tokens[1:]  # "to sell Caldera Seguros" reads "sell Caldera Seguros"
    return tokens


def _arguments(predicate: Token, speaker_country: str | None) -> set[str]:
    """The keys of the predicate's object, complements and prepositional
    objects ("run for mayor", "talks with Ostmark", "close the library"),
    with the nouns that qualify them ("the retirement age")."""
    heads = [c for c in predicate.children if c.dep_ in ("dobj", "attr", "oprd", "dative", "nsubjpass", "acomp")]
    heads += [g for c in predicate.children if c.dep_ in ("prep", "agent") for g in c.children if g.dep_ == "pobj"]
    found = set()
    for head in heads:
        found.add(_key(head, speaker_country))
        found |= {_key(m, speaker_country) for m in head.children if m.dep_ == "compound"}
    if predicate.pos_ == "NOUN":
        # a noun predicate's own compounds say what it is of: "a brake fault"
        found |= {_key(m, speaker_country) for m in predicate.children if m.dep_ == "compound"}
    return {k for k in found if k and not (k.startswith("T:") and k[2:] in GENERIC_NOUNS)}


def _objects(predicate: Token, speaker_country: str | None) -> set[str]:
    """Names and countries the predicate acts on or deals with: its object,
    and "with X" ("a deal with Halvorsen"); for a common-noun object, the
    words that tell which one it is ("M:studio" in "its 90-seat studio
    theatre", against "M:main" in "its main stage")."""
    found = set()
    for child in predicate.children:
        if child.dep_ in ("dobj", "nsubjpass"):
            found.add(_key(child, speaker_country))
            if child.pos_ == "NOUN":
                found |= {
                    "M:" + m.lemma_.lower()
                    for m in child.children
                    if m.dep_ in ("compound", "amod") and m.is_alpha and m.pos_ in ("NOUN", "ADJ", "PROPN")
                }
        if child.dep_ == "prep" and child.lower_ == "with":
            found |= {_key(c, speaker_country) for c in child.children if c.dep_ == "pobj"}
    return {k for k in found if k and k.startswith(("N:", "C:", "M:"))}


def _habitual(token: Token) -> bool:
    """ "used to believe", "used to be": a tense, not a use."""
    return (
        token.lemma_.lower() == "use"
        and not any(c.dep_ in ("dobj", "nsubjpass") for c in token.children)
        and any(c.dep_ == "xcomp" and any(g.lower_ == "to" for g in c.children) for c in token.children)
    )


def _on_the_way_up(token: Token, span: Span, test, steps: int = 12) -> bool:
    """Whether `test` holds for the token or one of its heads inside the span."""
    node = token
    for _ in range(steps):
        if test(node):
            return True
        if node.head.i == node.i or not (span.start <= node.head.i < span.end):
            return False
        node = node.head
    return False


def _in_aside(token: Token, span: Span) -> bool:
    return _on_the_way_up(token, span, _set_aside)


def _set_aside(node: Token) -> bool:
    """A clause the content puts aside: "(played on fears) rather than
    offered solutions", "(cut costs) instead of closing the plant"."""
    if node.dep_ == "conj":
        return any(
            c.dep_ == "cc" and c.lower_ == "than" and any(g.lower_ == "rather" for g in c.children)
            for c in node.head.children
            if node.head.i < c.i < node.i
        )
    if node.dep_ in ("pcomp", "pobj") and node.head.lower_ == "of":
        return any(c.lower_ == "instead" for c in node.head.children)
    return False


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
        return f"N:{_name_of(token)}"
    if (
        token.pos_ == "NOUN"
        and token.lemma_.lower() not in GENERIC_NOUNS
        and token.lemma_.lower() not in ANAPHORIC_NOUNS
    ):
        return f"T:{token.lemma_.lower()}"
    return None


@lru_cache(maxsize=1)
def name_first_words() -> dict[str, str]:
    """First words of organisation names keyed "whole" or as a "prefix" (data/name_first_words.tsv)."""
    return {row[0]: row[1] for row in lexicons.rows("onrecord.claims", "name_first_words.tsv", least=2)}


def name_key(words: list[str], kind: str | None) -> str:
    """The one key for a multi-word name, so that one name is one shared
    participant, not several: a person's surname ("Donald Trump", "Trump"), a
    place's whole name ("New Hampshire" is not "New York"), an
    organisation's first word ("Ostmark Foods", "Ostmark") unless that word
    is common to many names."""
    words = [w.lower() for w in words if w.lower() != "the"]
    if not words:
        return ""
    if kind == "PERSON" and not names_organisation(" ".join(words).title()):  # "Ostmark Foods" tagged a person
        return words[-1]
    if kind in ("GPE", "LOC", "FAC", "NORP") or name_first_words().get(words[0]) == "whole":
        return " ".join(words)
    if name_first_words().get(words[0]) == "prefix" and len(words) > 1:
        return words[1]  # "FC Ravensburg" is "Ravensburg"
    return words[0]


def _name_of(token: Token) -> str:
    if token.ent_iob_ == "O" or not token.ent_type_:
        return token.lemma_.lower()
    start = token.i
    while start > 0 and token.doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i
    while end + 1 < len(token.doc) and token.doc[end + 1].ent_iob_ == "I":
        end += 1
    words = [t.text for t in token.doc[start : end + 1] if t.is_alpha]
    return name_key(words, token.ent_type_) or token.lemma_.lower()


def keys_clash(keys: set[str], other: set[str]) -> bool:
    """Both name something in the same role, and nothing in common."""
    return bool(keys and other and not keys & other)


def years(participants: Iterable[str]) -> set[str]:
    return {key for key in participants if key.startswith("Y:")}


_YEAR = re.compile(r"(?:19|20)\d\d")


def _participants(span: Span, speaker_country: str | None) -> set[str]:
    keys = {f"Y:{token.text}" for token in span if _YEAR.fullmatch(token.text)}
    for token in span:
        if (
            token.lower_ in ("his", "her", "its", "their")
            and token.head.lemma_.lower() == "country"
            and speaker_country
        ):
            keys.add(f"C:{speaker_country}")
            continue
        key = _key(token, speaker_country)
        if key is not None and not (key.startswith("T:") and key[2:] in frames()):
            keys.add(key)
    for _start, _end, country in gazetteer().find_all(span.text):
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
    if predicate.dep_ == "acl" and predicate.tag_ == "VBG" and predicate.head.pos_ in ("NOUN", "PROPN"):
        return _key(predicate.head, speaker_country)  # "demonstrators throwing stones"
    node = predicate
    for _ in range(3):
        subject = next((c for c in node.children if c.dep_ in ("nsubj", "nsubjpass")), None)
        if subject is not None:
            own = subject.lower_ in ("country", "it", "they", "we") or any(
                c.lower_ in THIRD_PERSON_OWN for c in subject.children
            )
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
                return next(
                    (g for c in child.children if c.lower_ == "of" for g in c.children if g.dep_ == "pobj"), None
                )
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
    if prop.frame is None or prop.predicate is None or prop.agent is None:
        return False
    return prop.frame.listed if prop.frame.framed else bool(prop.text)


def claim_text(prop: Proposition, fallback: str) -> str:
    """A readable canonical text: "Iran supplied drones to Russia" for a
    closed frame; for an open predicate its clause, affirmative and with the
    speaker's name for a pronoun ("Naomi Brandt is running for mayor")."""
    if prop.frame is not None and (not prop.frame.framed or not (prop.agent or "").startswith("C:")) and prop.text:
        return prop.text  # the clause reads better than "plant closed" or "house met"
    if not is_canonical(prop) or prop.frame is None or not prop.frame.framed or not prop.agent:
        return fallback
    countries = {c.iso3: c.name for c in gazetteer().by_name.values()}

    def show(key: str) -> str:
        kind, value = key.split(":", 1)
        return countries.get(value, value) if kind == "C" else value

    parts = [show(prop.agent), prop.frame.own_verb or prop.frame.verb]
    if prop.theme:
        parts.append(show(prop.theme) if prop.theme.startswith("C:") else (prop.theme_text or show(prop.theme)).lower())
    if prop.recipients:
        parts += ["to", show(sorted(prop.recipients)[0])]
    else:
        where = _location(prop.predicate, None) if prop.predicate is not None else None
        if where and where != prop.agent:
            parts += ["in", show(where)]
    return " ".join(parts)


def same_signature(
    terms: list[str],
    recipients: list[str],
    other_terms: list[str],
    other_recipients: list[str],
    min_shared: int = DEFAULT_SETTINGS.claims.min_shared_across_articles,
) -> bool:
    """Whether two claims of one frame from different articles, known by their
    participants and recipients (as the store keeps them), are the same claim.
    Across articles one shared word is chance ("the state paid" in two
    unrelated stories): `min_shared` shared participants, or a shared name or
    country when one side has only one, make the same claim; who acts ("A:"
    terms) counts once at most."""
    if keys_clash(set(recipients), set(other_recipients)) or keys_clash(years(terms), years(other_terms)):
        return False
    mine, theirs = set(terms), set(other_terms)
    shared = {t for t in mine & theirs if not t.startswith(("A:", "R:"))} - years(terms)  # a year alone is no tie
    # who acts in both is no tie by itself ("A:" marks a claim's agents)
    about = {t for t in shared if not ("A:" + t in mine and "A:" + t in theirs)}
    if len(about) >= min_shared:
        return True
    # the same agent doing the same to the same ("R:" marks the predicate's own
    # arguments: "run for mayor", not any word of the sentence)
    if any(t.startswith("A:") for t in mine & theirs) and any(t.startswith("R:") for t in mine & theirs):
        return True
    small = min(len(set(terms)), len(set(other_terms))) <= 1
    return small and any(t.startswith(("C:", "N:")) for t in about)

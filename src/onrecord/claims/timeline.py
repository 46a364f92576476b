"""Claims, stances and time for one article's statements, and the
reversals and contradictions they show.

Who speaks for whom: a person or group with a country and a state sector
(GOV, MIL) speaks for that country's state ("Iranian officials", Iran's UN
ambassador and its foreign minister all speak for Iran); anyone else speaks
for themselves (or their organisation, as resolved). A reversal is one such
side moving from deny to affirm (an admission) or from affirm to deny (a
retraction) on one claim; deny -> conditional or qualify is a softening, not
a reversal. A contradiction is two sides, one affirming and one denying.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from onrecord import lexicons
from onrecord.claims.propositions import (
    Proposition,
    claim_text,
    frames,
    generic_organisations,
    is_canonical,
    name_key,
    proposition,
)
from onrecord.claims.stance import statement_stance, text_signals
from onrecord.model import Actor, ActorType, Claim, Reversal, Stance, Statement, StatementKind
from onrecord.nlp.dates import statement_time
from onrecord.nlp.geo import gazetteer
from onrecord.nlp.identity import name_titles
from onrecord.nlp.statements import DOCUMENT_NOUNS
from onrecord.settings import DEFAULT_SETTINGS, ClaimSettings

STATE_SECTORS = {"GOV", "MIL"}
POLAR = {Stance.AFFIRM, Stance.DENY}
SOFTER = {Stance.CONDITIONAL, Stance.QUALIFY}
FLIPPED = {Stance.AFFIRM: Stance.DENY, Stance.DENY: Stance.AFFIRM}


@dataclass
class Side:
    key: str  # "state:IRN", or "actor:a3"
    name: str  # "Iran", or the actor's name


# a name may hold "and", "of", "for" or "&" between its capitalised words
# ("the United Paper and Packaging Workers", "Bank of Ostmark")
_NAME = r"[A-Z][\w&.'-]*(?: (?:(?:and|of|for|&) )?[A-Z][\w&.'-]*)*"
_EMPLOYER = re.compile(rf"\bof (?:the )?(?P<of>{_NAME})$|^(?P<own>{_NAME})['’]s? ")


def side_of(
    actor: Actor | None,
    fallback: str | None,
    organisations: Sequence[Actor] = (),
    subject: Actor | None = None,
    settings: ClaimSettings = DEFAULT_SETTINGS.claims,
) -> Side | None:
    """Whom a speaker speaks for: a state official for the state, a
    spokesperson or executive for the organisation their role names ("port
    spokesman", "the authority's chief executive") or, when the role names
    none, for the organisation the article is about (`subject`); anyone else
    for themselves."""
    if actor is None:
        return Side(f"name:{fallback}", fallback) if fallback else None
    country = gazetteer().by_name.get(actor.name) if actor.type.value == "country" else None
    if actor.country and (actor.sector in STATE_SECTORS or actor.type.value == "country" or country):
        name = next((c.name for c in gazetteer().by_name.values() if c.iso3 == actor.country), actor.country)
        return Side(f"state:{actor.country}", name)
    if actor.type.value == "country":
        return Side(f"org:{actor.name.lower().removeprefix('the ')}", actor.name)  # a country the gazetteer lacks
    if actor.type.value == "person":
        return _person_side(actor, organisations, subject, settings)
    if actor.type.value in ("organization", "group"):
        words = _words(actor.name)
        if words & side_roles()["state"] and not (
            words - side_roles()["state"] - side_roles()["title"] - side_roles()["organisation"] - portfolio_words()
        ):
            # "the government", "the interior ministry", "a government spokesman"
            return _government(
                actor,
                [o.name for o in organisations],
                {w for w in actor.name.split() if w[:1].isupper()},
                settings.demonym_prefix,
            )
        state = _STATE_BODY.match(actor.name)
        if (
            state
            and _words(state.group(2)) <= side_roles()["state"] | portfolio_words()
            and _words(state.group(2)) & side_roles()["state"]
        ):
            # "Tessia's defence ministry": the state's, under the place's own name
            return Side(f"org:{state.group(1).lower()}", state.group(1))
        if (
            subject is not None
            and words
            and words <= generic_organisations() | side_roles()["organisation"] | side_roles()["title"]
        ):
            return side_of(subject, None, settings=settings)  # "the company", "a club spokesman", "the provost"
        employer = _employer_of_role_name(actor.name)  # "Halvorsen Group's chief executive"
        name = employer or actor.name
        return Side(f"org:{name.lower().removeprefix('the ')}", name)
    return Side(f"actor:{actor.id}", actor.name)


_STATE_BODY_IN_TEXT = re.compile(r"\b([A-Z][\w-]+)['’]s ((?:[a-z]+ ){0,2}[a-z]+)")
_STATE_BODY = re.compile(r"^(?:the )?([A-Z][\w-]+)['’]s? (.+)$")


@lru_cache(maxsize=1)
def portfolio_words() -> frozenset[str]:
    """ "defence", "interior": what a ministry is for (data/portfolio_words.txt)."""
    return lexicons.words("onrecord.claims", "portfolio_words.txt")


@lru_cache(maxsize=1)
def side_roles() -> dict[str, frozenset[str]]:
    """The role words of data/side_roles.tsv by whom their holder speaks for:
    "state", "organisation", "personal" (themselves, whatever the role names),
    or "title" (what someone is, not whom for)."""
    table = lexicons.rows("onrecord.claims", "side_roles.tsv", least=2)
    return {
        kind: frozenset(row[0] for row in table if row[1] == kind)
        for kind in ("state", "organisation", "title", "personal")
    }


def _words(text: str) -> set[str]:
    return {w.lower().removesuffix("'s").removesuffix("’s") for w in re.findall(r"[\w'’-]+", text)}


def _government(
    actor: Actor,
    places: Sequence[str] = (),
    proper: Collection[str] = frozenset(),
    demonym_prefix: int = DEFAULT_SETTINGS.claims.demonym_prefix,
) -> Side:
    """A state's side when its country is known; else the country a word of
    the role names ("Aravian foreign minister" in a story naming Aravia),
    else "the government" of the story (a country the gazetteer does not know)."""
    if actor.country:
        name = next((c.name for c in gazetteer().by_name.values() if c.iso3 == actor.country), actor.country)
        return Side(f"state:{actor.country}", name)
    for word in proper:
        for place in places:
            if (
                len(word) >= demonym_prefix
                and " " not in place
                and place[:demonym_prefix].lower() == word[:demonym_prefix].lower()
            ):
                return Side(f"org:{place.lower()}", place)
    return Side("org:government", "the government")


def _person_side(actor: Actor, organisations: Sequence[Actor], subject: Actor | None, settings: ClaimSettings) -> Side:
    """Whom a person speaks for, from their roles (and the titles in their
    name, "Deputy Governor Milena Havel"): the organisation a role names
    ("chief executive of Orvin Motors", "Ledgerly spokeswoman", "council
    spokesman" in a story naming Brindleford Borough Council), their
    government for a state role ("labour minister"), the organisation the
    story is about for a role only an organisation has ("chief executive",
    "head coach"); else themselves."""
    employer = _named_employer(actor.roles)
    if employer is not None:
        return Side(f"org:{employer.lower().removeprefix('the ')}", employer)
    roles = list(actor.roles) + [
        w for w in actor.name.split()[:-1] if w.lower() in side_roles()["organisation"] | side_roles()["state"]
    ]
    role_words = {w for role in roles for w in _words(role)}
    known = side_roles()["organisation"] | side_roles()["state"] | side_roles()["title"]
    # a name in the role ("Ledgerly spokeswoman"), or a word of a named organisation ("council spokesman")
    proper = {
        w for role in actor.roles for w in re.findall(r"[\w'’-]+", role) if w[:1].isupper() and w.lower() not in known
    }
    if role_words & side_roles()["personal"] and not role_words & (known - side_roles()["title"]):
        return Side(f"actor:{actor.id}", actor.name)  # "Republican-Union candidate Marla Quint": her own
    own_words = {w.lower() for w in proper} | (role_words - known - generic_organisations())
    organisation = _organisation_of_roles(role_words, own_words, organisations)
    if organisation is not None:
        return Side(f"org:{organisation.name.lower().removeprefix('the ')}", organisation.name)
    if role_words & side_roles()["state"]:
        return _government(actor, [o.name for o in organisations], proper, settings.demonym_prefix)
    named = _name_before_role(actor.roles)
    if named is not None:
        # "CityLink managing director" in a story whose organisations the tagger
        # missed CityLink from: the name the role gives, not the story's subject
        return Side(f"org:{named.lower()}", named)
    if subject is not None and role_words & (side_roles()["organisation"] | generic_organisations()):
        return side_of(subject, None, settings=settings) or Side(f"actor:{actor.id}", actor.name)
    return Side(f"actor:{actor.id}", actor.name)


_NAME_BEFORE_ROLE = re.compile(rf"^({_NAME}) (?:[a-z][\w-]* )*?[a-z][\w-]*$")


def _name_before_role(roles: Iterable[str]) -> str | None:
    """The organisation's name an organisation role opens with ("CityLink
    managing director", "Ledgerly spokeswoman"), not a place's ("Danish
    spokesman") or a title ("Deputy Commissioner")."""
    known = side_roles()["organisation"] | side_roles()["state"] | side_roles()["title"] | name_titles()
    for role in roles:
        match = _NAME_BEFORE_ROLE.match(role)
        if match is None:
            continue
        name = match.group(1)
        rest = _words(role[match.end(1) :])
        if not rest & side_roles()["organisation"] or rest & side_roles()["state"]:
            continue
        if _words(name) & known or any(gazetteer().lookup(w) for w in name.split()):
            continue
        if " " not in name and not any(ch.isupper() for ch in name[1:]):
            continue  # "Fund manager Vance Orley": a sentence's first word, not a name
        return name
    return None


def _named_employer(roles: Iterable[str]) -> str | None:
    """The organisation a role names: "chief executive of Orvin Motors",
    "Orvin Motors' spokesman" (not a generic "of the union")."""
    for role in roles:
        named = _EMPLOYER.search(role) or _FOR_EMPLOYER.search(role)
        described = _OF_DESCRIBED.search(role)
        if named is None and described and described.group(2) in generic_organisations():
            return described.group(0).removeprefix("of ").removeprefix("the ")  # "of the Fuel Free Kelso group"
        if named:
            name = next(g for g in named.groups() if g)
            if not (_words(name) <= generic_organisations() | side_roles()["title"]):
                return name
    return None


def _organisation_of_roles(role_words: set[str], own_words: set[str], organisations: Sequence[Actor]) -> Actor | None:
    """The named organisation that a person's role words point to: one that
    shares a word of the role's own (`own_words`: a name in it, or a word
    neither generic nor a title), or the
    only one that holds the role's generic noun ("union" of "union general
    secretary")."""
    generic = role_words & generic_organisations()
    holding = [o for o in organisations if generic & _words(o.name)]
    # "Port Authority" is the "Calder Bay Port Authority" named in full elsewhere
    holding = [
        o for o in holding if not any(o is not other and _words(o.name) < _words(other.name) for other in holding)
    ]
    for organisation in organisations:
        if own_words & _words(organisation.name) or (len(holding) == 1 and organisation is holding[0]):
            return organisation
    return None


def _employer_of_role_name(name: str) -> str | None:
    """The organisation a speaker known only by a role works for, when the
    role names it: "Halvorsen Group's chief executive", "the chief executive
    of Orvin Motors", "a spokeswoman for the Port Authority"."""
    match = _EMPLOYER.search(name) or _FOR_EMPLOYER.search(name)
    if match is None:
        return None
    employer = next(g for g in match.groups() if g)
    role = (name[: match.start()] + " " + name[match.end() :]).lower().split()
    if not role or not set(role) <= side_roles()["organisation"] | side_roles()["title"]:
        return None  # "the Mayor of London's office" or a name that merely contains "of"
    return employer.removeprefix("the ").removeprefix("The ")


_OF_DESCRIBED = re.compile(rf"\bof (?:the )?({_NAME}) ([a-z]+)$")
_FOR_EMPLOYER = re.compile(rf"\bfor (?:the )?(?P<for>{_NAME})$")


def order_key(statement: Statement, event_day: dt.date | None, position: int) -> tuple:
    """When a statement was made, for ordering: its day (or the end of its
    interval, or the day of its article's main event), then "earlier" before
    the rest, then its place in the text."""
    day = statement.date or statement.date_end or event_day or dt.date.max
    return (day, 0 if statement.earlier else 1, position)


Fallback = Callable[[Statement], "dt.date | None"]


def main_event_day(
    latest_given: dt.date | None,
    published: dt.date | None,
    days_before_publication: int = DEFAULT_SETTINGS.claims.main_event_days_before_publication,
) -> dt.date | None:
    """The day an article's undated statements are taken to be from: the
    latest day the statements give, but not earlier than a few days before
    publication (a story reports what was said that day or the day before;
    a follow-up that only dates what was said before reports its undated
    statements as news, not as that earlier day's)."""
    floor = published - dt.timedelta(days=days_before_publication) if published else None
    days = [d for d in (latest_given, floor) if d is not None]
    return max(days) if days else None


def annotate(
    doc: Doc,
    statements: list[Statement],
    headline: list[Statement],
    actors: list[Actor],
    published: dt.date | None,
    title_doc: Doc | None = None,
    settings: ClaimSettings = DEFAULT_SETTINGS.claims,
) -> tuple[list[Claim], list[Reversal]]:
    """Give every statement its stance, time and claim; return the
    article's claims and the reversals within it. Headline statements'
    spans index `title_doc`."""
    by_id = {a.id: a for a in actors}
    _assign_times(doc, statements, published)
    title = title_doc.text if title_doc is not None else None
    _assign_sides(doc, statements + headline, actors, by_id, title, settings)
    props = _assign_stances(doc, statements, headline, by_id, title_doc, settings)
    claims = _assign_claims(statements, headline, props, settings)
    dated = [s.date for s in statements if s.date] + [s.date_end for s in statements if s.date_end]
    event_day = main_event_day(max(dated) if dated else None, published, settings.main_event_days_before_publication)
    return claims, find_reversals(statements, claims, by_id, lambda s: event_day, settings)


def _assign_times(doc: Doc, statements: list[Statement], published: dt.date | None) -> None:
    for s in statements:
        if s.cue is not None and s.cue.span:
            t = statement_time(doc, s.cue.span[0], s.content.span or (0, 0), published)
            s.date_text, s.date, s.date_start, s.date_end, s.earlier = t.text, t.value, t.start, t.end, t.earlier
    for s in statements:  # without a date: the speaker's date in the same sentence, or the one continued
        if s.date is None and s.date_end is None:
            twin = next(
                (
                    o
                    for o in statements
                    if o is not s
                    and o.sentence_index == s.sentence_index
                    and o.actor_id == s.actor_id
                    and o.date is not None
                ),
                None,
            )
            parent = next(
                (
                    o
                    for o in statements
                    if s.kind.value == "continuation"
                    and o.speaker_name == s.speaker_name
                    and (o.paragraph_index or 0) <= (s.paragraph_index or 0)
                    and o.date is not None
                ),
                None,
            )
            source = twin or parent
            if source is not None:
                s.date, s.date_text = source.date, source.date_text


def _assign_sides(
    doc: Doc,
    statements: list[Statement],
    actors: list[Actor],
    by_id: dict[str, Actor],
    title: str | None,
    settings: ClaimSettings,
) -> None:
    organisations = [a for a in actors if a.type.value in ("organization", "group", "country") and a.name[:1].isupper()]
    # organisations the text names without quoting them can still be whom a
    # role speaks for ("council spokesman Trevor Banks" and "Brindleford
    # Borough Council")
    known = {a.name.lower() for a in organisations}
    for ent in doc.ents:
        name = ent.text.removeprefix("the ").removesuffix("'s").removesuffix("’s")
        if ent.label_ in ("ORG", "GPE") and name[:1].isupper() and name.lower() not in known:
            known.add(name.lower())
            kind = ActorType.ORGANIZATION if ent.label_ == "ORG" else ActorType.COUNTRY
            organisations.append(Actor(id=f"org:{name.lower()}", name=name, type=kind))
    # the organisation a story is about, for "the company" and "chief
    # executive": a company, club or group, not a state body ("the Danish
    # authority" in a story about a Danish company)
    subject = _subject_organisation(
        doc,
        [
            a
            for a in organisations
            if a.type.value in ("organization", "group")
            and a.sector not in STATE_SECTORS
            and not _words(a.name) <= side_roles()["state"] | generic_organisations() | side_roles()["title"]
        ],
        title,
    )
    for s in statements:
        actor = by_id.get(s.actor_id) if s.actor_id else None
        if actor is not None and actor.represents in by_id:
            actor = by_id[actor.represents]  # a lawyer's or spokesperson's words are their principal's position
        side = side_of(actor, s.speaker_name if actor is None else actor.name, organisations, subject, settings)
        if side is not None:
            s.side, s.side_name = side.key, side.name
    _state_of_official(doc, statements, by_id, settings.role_then_name_paragraphs)
    _name_after_role(statements, by_id, settings.role_then_name_paragraphs)


def _state_of_official(doc: Doc, statements: list[Statement], by_id: dict[str, Actor], reach_paragraphs: int) -> None:
    """An official of a state the gazetteer does not know ("deputy defence
    minister Leif Haraldsen") speaks for the state whose body or name spoke
    just before ("Tessia's defence ministry acknowledged ..."), not for an
    unnamed "government" of the story, which two states' officials would share."""
    latest: Statement | None = None
    for s in statements:
        actor = by_id.get(s.actor_id) if s.actor_id else None
        if s.side == "org:government" and latest is not None:
            here, there = s.paragraph_index, latest.paragraph_index
            if here is not None and there is not None and 0 <= here - there <= reach_paragraphs:
                s.side, s.side_name = latest.side, latest.side_name
                continue
        if s.side == "org:government":
            named = _state_named_before(doc, s)  # or whose body the text named just before
            if named is not None:
                s.side, s.side_name = named.key, named.name
        elif actor is not None and s.side and s.side.startswith(("state:", "org:")) and _speaks_for_a_state(actor):
            latest = s
    _one_state_an_official(statements)


def _state_named_before(doc: Doc, statement: Statement) -> Side | None:
    """The state whose body the text names in the 400 characters before a
    statement, unquoted ("Tessia's defence ministry rejected the account.")."""
    if not statement.content.span:
        return None
    window = doc.text[max(0, statement.content.span[0] - 400) : statement.content.span[0]]
    named = [m for m in _STATE_BODY_IN_TEXT.finditer(window) if _words(m.group(2)) & side_roles()["state"]]
    return Side(f"org:{named[-1].group(1).lower()}", named[-1].group(1)) if named else None


def _one_state_an_official(statements: list[Statement]) -> None:
    """One official, one state: the side found for one of their statements is their others'."""
    found = {
        s.actor_id: s
        for s in statements
        if s.actor_id and s.side and s.side.startswith("org:") and s.side != "org:government"
    }
    for s in statements:
        other = found.get(s.actor_id) if s.actor_id else None
        if s.side == "org:government" and other is not None:
            s.side, s.side_name = other.side, other.side_name


def _speaks_for_a_state(actor: Actor) -> bool:
    """A country, or a state body named by its place ("Tessia's defence ministry")."""
    if actor.type.value == "country":
        return True
    state = _STATE_BODY.match(actor.name)
    return bool(state and _words(state.group(2)) & side_roles()["state"])


def _name_after_role(statements: list[Statement], by_id: dict[str, Actor], reach_paragraphs: int) -> None:
    """Newswire introduces a speaker by role, then quotes them by name in the
    next paragraph: the first person named there with no role of their own,
    speaking for no one, speaks for the role's organisation."""
    pending: Statement | None = None
    seen: set[str] = set()
    for s in statements:
        actor = by_id.get(s.actor_id) if s.actor_id else None
        if actor is None:
            continue
        if actor.type.value != "person" and s.side and s.side.startswith("org:") and _employer_of_role_name(actor.name):
            pending = s
        elif (
            actor.type.value == "person"
            and actor.id not in seen
            and not actor.roles
            and pending is not None
            and s.side == f"actor:{actor.id}"
            and s.paragraph_index is not None
            and pending.paragraph_index is not None
            and 0 < s.paragraph_index - pending.paragraph_index <= reach_paragraphs
        ):
            for other in statements:
                if other.actor_id == actor.id:
                    other.side, other.side_name = pending.side, pending.side_name
            pending = None
        if actor.type.value == "person":
            seen.add(actor.id)


def _subject_organisation(doc: Doc, organisations: list[Actor], title: str | None = None) -> Actor | None:
    """The organisation an article is about: the one named most often (by
    its name or its first word, "Tessaline" for "Tessaline Telecom"), if
    it is named at least twice and more often than any other."""
    text = doc.text + "\n" + (title or "")

    def first_word(name: str) -> str:
        words = [w for w in name.split() if w.lower() != "the"]
        return words[0] if words else name

    def mentions(name: str) -> int:  # the name, or its first word as a word ("Silvane's", "Silvane shares")
        return max(text.count(name), len(re.findall(rf"\b{re.escape(first_word(name))}\b", text)))

    counts = sorted(((mentions(o.name), o) for o in organisations), key=lambda c: -c[0])
    if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
        return None
    return counts[0][1]


def _assign_stances(
    doc: Doc,
    statements: list[Statement],
    headline: list[Statement],
    by_id: dict[str, Actor],
    title_doc: Doc | None,
    settings: ClaimSettings,
) -> dict[str, Proposition]:
    """Each statement's stance, and its content's proposition (by statement id)."""
    props: dict[str, Proposition] = {}
    for s in statements + headline:
        source = title_doc if s in headline else doc
        s.stance = statement_stance(s, source)
        actor = by_id.get(s.actor_id) if s.actor_id else None
        country = actor.country if actor else None
        props[s.id] = (
            proposition(
                source,
                *s.content.span,
                country,
                speaker_key(s, actor),
                s.side_name or s.speaker_name,
                _speaker_kind(s, actor),
                settings.predicate_snap_threshold,
            )
            if source and s.content.span
            else Proposition()
        )
        if s.stance is Stance.AFFIRM and _restricts_presupposed_event(props[s.id]):
            s.stance = Stance.QUALIFY
    return props


def _assign_claims(
    statements: list[Statement], headline: list[Statement], props: dict[str, Proposition], settings: ClaimSettings
) -> list[Claim]:
    """Each statement joins the first claim it matches, in text order; "the
    accusations" joins the claim it points back to; a bare "the supply" the
    same speaker's claim of that frame."""
    grouping = _ClaimGrouping(statements, settings)
    spans: set[tuple] = set()
    for s in statements + headline:
        span = (s in headline, tuple(s.content.span[:2]) if s.content.span else None)
        if span[1] is not None and span in spans:
            continue  # one content read twice, under two cues: it is one statement, not two positions
        spans.add(span)
        grouping.add(s, props[s.id])
    for claim in grouping.claims:
        grouping.finish(claim)
    return grouping.claims


class _ClaimGrouping:
    """The claims of one article as its statements join them."""

    def __init__(self, statements: list[Statement], settings: ClaimSettings) -> None:
        self.statements = statements
        self.settings = settings
        self.claims: list[Claim] = []
        self.members: dict[str, list[Statement]] = {}
        self.props: dict[str, list[Proposition]] = {}

    def add(self, s: Statement, p: Proposition) -> None:
        target = self.claim_for(s, p)
        if target is None and (p.frame is None or p.anaphoric):
            return  # nothing to say what it claims
        if target is None:
            target = Claim(id=f"c{len(self.claims) + 1}", text="")
            self.claims.append(target)
            self.members[target.id], self.props[target.id] = [], []
        s.claim_id = target.id
        target.statement_ids.append(s.id)
        self.members[target.id].append(s)
        self.props[target.id].append(p)

    def claim_for(self, s: Statement, p: Proposition) -> Claim | None:
        """The claim already found that the statement joins, if any."""
        if p.anaphoric:
            pointed = _pointed_claim_id(s, self.statements, self.settings.anaphora_reach_paragraphs)
            return next((c for c in self.claims if c.id == pointed), None)
        frame = p.frame
        if frame is None:
            return None
        if p.bare:
            same_frame = [
                c for c in self.claims if any(q.frame and q.frame.name == frame.name for q in self.props[c.id])
            ]
            same_speaker = [c for c in same_frame if any(m.actor_id == s.actor_id for m in self.members[c.id])]
            return (same_speaker or same_frame)[-1] if same_frame else None
        # an open predicate joins a claim through its first proposition, not
        # through any member: one shared word at a time, claims would chain
        return next(
            (
                c
                for c in self.claims
                if any(
                    p.matches(q, same_article=True)
                    for q in (self.props[c.id] if frame.framed else self.props[c.id][:1])
                )
                and not any(p.clashes(q) for q in self.props[c.id])
            ),
            None,
        )

    def finish(self, claim: Claim) -> None:
        """The claim's text, sense, frame and terms from its members, and each
        member's stance toward the claim's sense."""
        members, props = self.members[claim.id], self.props[claim.id]
        # a proposition that can be written out reads best; then one in the
        # claim's own sense (not its opposite); then the most complete
        best = max(
            zip(members, props),
            key=lambda mp: (is_canonical(mp[1]), mp[1].sign > 0, mp[1].completeness),
        )
        claim.text = claim_text(best[1], best[1].text or best[0].content.text)
        claim.canonical = is_canonical(best[1])
        claim.sign = best[1].sign
        for member, p in zip(members, props):
            # the sense a member's stance is toward: its own predicate's, or the
            # pair's first when statement stance already read the word as a
            # denial ("rejected" denies "accepted")
            sense = 1 if _read_as_denial(p) else p.sign
            if sense != claim.sign:
                member.stance = FLIPPED.get(member.stance, member.stance) if member.stance else None
        framed = [q for q in props if q.frame is not None]
        claim.frame = framed[0].frame.name if framed and framed[0].frame else None
        claim.terms = sorted(set().union(*(_signature(q) for q in framed))) if framed else []
        claim.recipients = sorted(set().union(*(q.recipients for q in framed))) if framed else []


def _signature(p: Proposition) -> set[str]:
    """A proposition's core as a claim's terms, with who acts marked again
    as "A:" and the predicate's own arguments as "R:", so that matching
    across articles can tell them from what else the claim names."""
    # a closed frame's claim keeps every participant of its contents (the
    # frames were written for events a story is about: "fuel had leaked into
    # the harbour" and "a tanker leaked diesel into the harbour"); an open
    # predicate's only its core
    terms = p.participants if p.frame is not None and p.frame.framed else p.core
    return terms | ({"A:" + p.agent} if p.agent else set()) | {"R:" + k for k in p.arguments if not k.startswith("M:")}


def _substance(statement: Statement, settings: ClaimSettings) -> frozenset[str]:
    names = f"{statement.speaker_name or ''} {statement.side_name or ''}"
    return _substance_of(statement.content.text, names, settings.substance_letters, settings.stem_letters)


@lru_cache(maxsize=20000)
def _substance_of(text: str, names: str, substance_letters: int, stem_letters: int) -> frozenset[str]:
    """Computed once a statement, not once a pair of them."""
    from spacy.lang.en.stop_words import STOP_WORDS

    own = {w.lower() for w in re.findall(r"[^\W\d_]+", names)}
    return frozenset(
        w.lower()[:stem_letters]
        for w in re.findall(r"[^\W\d_]+", text)
        if len(w) >= substance_letters and w.lower() not in STOP_WORDS and w.lower() not in own
    )


def _one_passage(a: Statement, b: Statement) -> bool:
    """Two statements of one paragraph of one article, neither of them told
    as earlier ("after initially denying") nor both dated apart: one quotation read in two parts,
    not two positions (an article id prefixes a stored statement's id)."""
    return (
        a.paragraph_index is not None
        and a.paragraph_index == b.paragraph_index
        and a.id.split(":")[0] == b.id.split(":")[0]
        and not (a.earlier or b.earlier)
        and not (a.date and b.date and a.date != b.date)
    )  # "three weeks after saying ..." dates them apart


def _about_the_same(a: Statement, b: Statement, settings: ClaimSettings) -> bool:
    """Whether two statements of one claim say something of one thing: two
    shared words of substance besides their speakers' names, or words close
    in meaning (settings: reversal_shared_words, reversal_similarity). A claim can gather statements that only its matching ties
    together; a change of position is between two about one thing."""
    if len(_substance(a, settings) & _substance(b, settings)) >= settings.reversal_shared_words:
        return True
    # "no talks were taking place" and "we have been negotiating with Karsland"
    return _similarity(a.content.text, b.content.text) >= settings.reversal_similarity


def _similarity(text: str, other: str) -> float:
    from onrecord.claims.predicates import text_vector

    return float(text_vector(text) @ text_vector(other))


def _speaker_kind(statement: Statement, actor: Actor | None) -> str | None:
    """person, organization, country or group: whom a content's "he", "it"
    or "they" can be. A person speaking for an organisation is still "he"."""
    return actor.type.value if actor is not None else None


def _read_as_denial(p: Proposition) -> bool:
    """Whether statement stance already took the predicate word itself for a
    denial ("rejected", "refused" are in the stance lexicon's deny words)."""
    return p.predicate is not None and text_signals(p.predicate.text).has("deny")


def speaker_key(statement: Statement, actor: Actor | None) -> str | None:
    """The participant key of whom a statement speaks for, as a content's
    words would name them: a state by its code, an organisation by the
    name's key (propositions.name_key: "N:halvorsen"), a person by their surname."""
    side = statement.side or ""
    if side.startswith("state:"):
        return "C:" + side.removeprefix("state:")
    name = statement.side_name or (actor.name if actor else None) or statement.speaker_name
    words = [w for w in re.findall(r"[\w'’-]+", name or "") if w[:1].isupper() and w.lower() != "the"]
    if not words:
        return None
    names = [w.removesuffix("'s").removesuffix("’s") for w in words]
    return "N:" + name_key(names, "ORG" if side.startswith("org:") else "PERSON")  # as propositions key names


def _restricts_presupposed_event(p: Proposition) -> bool:
    """ "The transfer took place before the war": the event is taken as given
    (a noun subject) and the clause only limits it, in time or extent; a
    qualified affirmation. "We gave drones to Russia" states the event itself."""
    predicate = p.predicate
    return (
        predicate is not None
        and predicate.pos_ == "NOUN"
        and predicate.dep_ in ("nsubj", "nsubjpass")
        and predicate.head.lemma_.lower() not in frames()
        # a copula describes the thing ("the meeting was tense"): no limit on an event
        and predicate.head.lemma_.lower() != "be"
    )


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower()) if w not in ("the", "of", "and", "for")}


def _pointed_claim_id(statement: Statement, statements: list[Statement], reach_paragraphs: int) -> str | None:
    """The claim "the accusations" means: that of the nearest statement before
    it, in this paragraph or the last few, that has one."""
    if statement not in statements:
        return None
    for other in reversed(statements[: statements.index(statement)]):
        if (statement.paragraph_index or 0) - (other.paragraph_index or 0) > reach_paragraphs:
            break
        if other.claim_id:
            return other.claim_id
    return None


def _merge_short_names(by_side: dict[str, list[Statement]], names: dict[str, str]) -> None:
    """One organisation under a short and a full name is one side: "Ravensburg"
    and "FC Ravensburg", "Kessler" and "Kessler Motors" (articles and
    paragraphs name it both ways). A short name joins the one full name whose
    words hold all of its own; with two candidates it stays apart."""

    def words(key: str) -> set[str]:
        return _words(names[key]) - {"the", "of", "and"}

    orgs = [
        k
        for k in by_side
        if k.startswith("org:") and k != "org:government" and words(k) and not words(k) <= generic_organisations()
    ]
    for short in sorted(orgs, key=lambda k: len(words(k))):
        if short not in by_side:
            continue
        fuller = [k for k in orgs if k != short and k in by_side and words(short) < words(k)]
        if len(fuller) == 1:
            by_side[fuller[0]].extend(by_side.pop(short))
    _merge_surnames(by_side, names)


def _merge_surnames(by_side: dict[str, list[Statement]], names: dict[str, str]) -> None:
    """A person a later article names by surname alone ("Ms. Tallis") speaks
    for the side of the one speaker on the claim with that surname in full
    ("Gwen Tallis", the union's president): the article that named them in
    full said whom for."""
    for key in [k for k in by_side if k.startswith(("actor:", "name:"))]:
        words = names[key].split()
        if len(words) != 1 or not words[0][:1].isupper():
            continue
        surname = words[0].casefold()
        holders = {
            k
            for k, items in by_side.items()
            if k != key
            and any(
                len((s.speaker_name or "").split()) > 1 and (s.speaker_name or "").split()[-1].casefold() == surname
                for s in items
            )
        }
        if len(holders) == 1:
            by_side[holders.pop()].extend(by_side.pop(key))


def find_reversals(
    statements: list[Statement],
    claims: list[Claim],
    actors: dict[str, Actor],
    event_day: Fallback,
    settings: ClaimSettings = DEFAULT_SETTINGS.claims,
) -> list[Reversal]:
    """Reversals, softenings and contradictions of each side on each claim,
    in time order. `statements` are in text (or article) order; `event_day`
    gives the day an undated statement is taken to be from."""
    position = {s.id: i for i, s in enumerate(statements)}

    def key(s: Statement) -> tuple:
        return order_key(s, event_day(s), position[s.id])

    reversals: list[Reversal] = []
    for claim in claims:
        said = [s for s in statements if s.claim_id == claim.id and s.stance in POLAR | SOFTER]
        by_side, names = _sides(said, actors, settings)
        for side_key, items in by_side.items():
            items.sort(key=key)
            change = _change_of_side(claim.id, Side(side_key, names[side_key]), items, key, settings)
            if change is not None:
                reversals.append(change)
        reversals.extend(_contradictions(claim, by_side, names, settings))
    return reversals


def _sides(
    said: list[Statement], actors: dict[str, Actor], settings: ClaimSettings
) -> tuple[dict[str, list[Statement]], dict[str, str]]:
    """The statements of each side (by side key), and each side's name."""
    by_side: dict[str, list[Statement]] = {}
    names: dict[str, str] = {}
    for s in said:
        side = (
            Side(s.side, s.side_name or s.side)
            if s.side
            else side_of(actors.get(s.actor_id) if s.actor_id else None, s.speaker_name, settings=settings)
        )
        if side is not None:
            by_side.setdefault(side.key, []).append(s)
            names[side.key] = side.name
    _merge_short_names(by_side, names)
    return by_side, names


def _change_of_side(
    claim_id: str, side: Side, items: list[Statement], key: Callable[[Statement], tuple], settings: ClaimSettings
) -> Reversal | None:
    """The first change of one side's stance on a claim (`items` in time
    order, each with a stance): a reversal between affirming and denying, or
    a denial softened to a qualification."""
    first = next((s for s in items if s.stance in POLAR), None)
    later = _first_change(items, first, key, settings) if first is not None else None
    if first is None or first.stance is None or later is None or later.stance is None:
        return None
    earlier = [s for s in items if s.stance == first.stance and key(s)[:2] < key(later)[:2]]
    if later.stance not in POLAR:
        after = [later]
        kind = "softening"
    else:
        after = [s for s in items if s.stance == later.stance and not key(s)[:2] < key(later)[:2]]
        kind = "reversal"
    return Reversal(
        actor=side.name,
        claim_id=claim_id,
        from_stance=first.stance,
        to_stance=later.stance,
        before=[s.id for s in earlier],
        after=[s.id for s in after],
        kind=kind,
        side=side.key,
        first_affirmation=kind == "reversal"
        and later.stance is Stance.AFFIRM
        and not any(s.stance is Stance.AFFIRM for s in earlier),
    )


def _first_change(
    items: list[Statement], first: Statement, key: Callable[[Statement], tuple], settings: ClaimSettings
) -> Statement | None:
    """The first statement after `first` of the opposite stance (else, after
    a denial, of a softer one) that an earlier statement of the first stance
    backs: they say something of the same."""

    # A change of position takes time: the earlier stance must be earlier
    # by date or tense, not only earlier in the text (a speaker's one
    # position read two ways is an extraction error, not a reversal).
    # Checked on polnear_train's 840 articles: within-article reversals
    # went from 9, nearly all such misreadings, to 0.
    def sooner(a: Statement, b: Statement) -> bool:
        return key(a)[:2] < key(b)[:2]

    def backed(later: Statement) -> bool:
        """An earlier statement of the first stance says something of what
        `later` says: they share a word of substance."""
        return any(
            _about_the_same(e, later, settings)
            for e in items
            if e.stance == first.stance and sooner(e, later) and not _one_passage(e, later)
        )

    later = [s for s in items if sooner(first, s) and backed(s)]
    changes = [s for s in later if s.stance in POLAR and s.stance != first.stance]
    softer = [s for s in later if first.stance is Stance.DENY and s.stance in SOFTER]
    return next(iter(changes or softer), None)


def _contradictions(
    claim: Claim, by_side: dict[str, list[Statement]], names: dict[str, str], settings: ClaimSettings
) -> list[Reversal]:
    """One side affirms what another explicitly denies (a denial by speech
    act, not a negation read inside some content), and the two are not one
    body under two names ("State", "the State Department"). On polnear_train
    this took contradictions from 37 (most of them noise) to 6 (several of
    them real: "X reported ...", "Y denied the report")."""
    stances = {k: {s.stance for s in items if s.stance in POLAR} for k, items in by_side.items()}
    affirmers = [k for k, v in stances.items() if v == {Stance.AFFIRM}]
    deniers = [k for k, v in stances.items() if v == {Stance.DENY} and any(_explicit_denial(s) for s in by_side[k])]

    def disputed(a: str, d: str) -> bool:
        """A denial by speech act stands against any affirmation; one in a
        quotation's own words only against one reported beside it."""
        if any(s.cue_class in ("deny", "reject") for s in by_side[d]):
            return True
        claim_words = _substance_of(claim.text, "", settings.substance_letters, settings.stem_letters)
        # the accusation first, then the rebuttal, in other words than the accusation's
        return any(
            _article_of(x) == _article_of(y)
            and x.paragraph_index is not None
            and y.paragraph_index is not None
            and 0 <= y.paragraph_index - x.paragraph_index <= settings.dispute_reach_paragraphs
            and _place(x) < _place(y)
            # both say a word of the claim's own ("pay" of "Mexico will pay for the wall")
            and claim_words & _substance(x, settings) & _substance(y, settings)
            and x.content.text.strip(' "“”,.') != y.content.text.strip(' "“”,.')
            for x in by_side[a]
            for y in by_side[d]
            if _explicit_denial(y)
        )

    return [
        Reversal(
            actor=f"{names[a]} / {names[d]}",
            claim_id=claim.id,
            from_stance=Stance.AFFIRM,
            to_stance=Stance.DENY,
            before=[s.id for s in by_side[a]],
            after=[s.id for s in by_side[d]],
            kind="contradiction",
            side=f"{a}|{d}",
        )
        for a in affirmers
        for d in deniers
        if not _name_words(names[a]) & _name_words(names[d])
        and _named(names[a])
        and _named(names[d])
        and disputed(a, d)
    ]


def _place(statement: Statement) -> tuple[int, int]:
    """Where a statement stands in its article: its paragraph, then its
    number ("s3"), which counts statements in text order."""
    local = statement.id.rsplit(":", 1)[-1]
    digits = "".join(ch for ch in local if ch.isdigit())
    return (statement.paragraph_index or 0, int(digits) if digits else 0)


def _article_of(statement: Statement) -> str:
    """The article a statement is from: stored ids are "<article>:<local id>"
    (within one article's analysis, local ids have no article part)."""
    return statement.id.rsplit(":", 1)[0] if ":" in statement.id else ""


def _explicit_denial(statement: Statement) -> bool:
    """A denial by speech act ("denied", "rejected"), or in the speaker's own
    words: a direct quotation that negates the claim ("Our members did not
    throw stones," said its chairman); not a negation read inside reported
    speech, which on polnear_train was mostly noise."""
    if statement.cue_class in ("deny", "reject"):
        return True
    return statement.stance is Stance.DENY and statement.kind in (StatementKind.DIRECT, StatementKind.CONTINUATION)


def _named(side_name: str) -> bool:
    """A side someone could be held to: it has a name ("Brennecke Steel",
    "Iran"), not only a description ("the reports", "people", "the message")."""
    words = side_name.split()
    if words and words[0].lower() in ("the", "a", "an", "some", "many"):
        words = words[1:]
    documents = all(w.lower() in DOCUMENT_NOUNS or w.lower().removesuffix("s") in DOCUMENT_NOUNS for w in words)
    return any(w[:1].isupper() for w in words) and not documents

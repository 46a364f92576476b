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
from collections.abc import Callable
from dataclasses import dataclass

from spacy.tokens import Doc

from onrecord.claims.propositions import Proposition, claim_text, frames, is_canonical, proposition
from onrecord.claims.stance import statement_stance
from onrecord.model import Actor, Claim, Reversal, Stance, Statement
from onrecord.nlp.dates import statement_time
from onrecord.nlp.geo import gazetteer

STATE_SECTORS = {"GOV", "MIL"}
# How many paragraphs back "the accusations" looks for the claim it denies.
ANAPHORA_REACH_PARAGRAPHS = 2
POLAR = {Stance.AFFIRM, Stance.DENY}
SOFTER = {Stance.CONDITIONAL, Stance.QUALIFY}


@dataclass
class Side:
    key: str  # "state:IRN", or "actor:a3"
    name: str  # "Iran", or the actor's name


# Role words that say what someone is, not whom they work for.
ROLE_ONLY_WORDS = {"chief", "executive", "spokesman", "spokeswoman", "spokesperson", "director", "head", "deputy",
                   "senior", "former", "acting", "official", "officer", "manager", "president", "chair", "chairman",
                   "the", "of", "and", "for", "its", "his", "her"}


# Roles that only a company or institution has: held by someone whose
# employer goes unnamed ("chief executive Daniel Ferro said"), they speak for
# the organisation the article is about. ("President", "director" or a bare
# "official" are left out: a head of state or an agency's man is no company's.)
CORPORATE_ROLE_WORDS = {"chief", "executive", "ceo", "cfo", "coo", "spokesman", "spokeswoman", "spokesperson",
                        "chairman", "chairwoman", "chairperson", "managing", "counsel", "general", "company",
                        "principal", "provost", "dean", "rector", "vice-chancellor", "headteacher", "headmaster",
                        "headmistress", "a", "an"}

_EMPLOYER = re.compile(
    r"\bof (?:the )?(?P<of>[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*)*)$|^(?P<own>[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*)*)['’]s? "
)


def side_of(actor: Actor | None, fallback: str | None, organisations: list[Actor] = (),
            subject: Actor | None = None) -> Side | None:
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
    if actor.type.value == "person":
        for role in actor.roles:
            named = _EMPLOYER.search(role)  # "chief executive of Orvin Motors", "Orvin Motors' spokesman"
            if named:
                name = named.group("of") or named.group("own")
                return Side(f"org:{name.lower()}", name)
        role_words = {w.strip("'’s").lower() for role in actor.roles for w in role.split()} - ROLE_ONLY_WORDS
        for organisation in organisations:
            if role_words & {w.lower() for w in organisation.name.split()}:
                return Side(f"org:{organisation.name.lower().removeprefix('the ')}", organisation.name)
        if subject is not None and _only_corporate_roles(actor.roles):
            return side_of(subject, None)
    if actor.type.value in ("organization", "group"):
        if subject is not None and _only_corporate_roles([actor.name]):
            return side_of(subject, None)  # "the provost", "a spokeswoman", in a story about one institution
        employer = _employer_of_role_name(actor.name)  # "Halvorsen Group's chief executive"
        name = employer or actor.name
        return Side(f"org:{name.lower().removeprefix('the ')}", name)
    return Side(f"actor:{actor.id}", actor.name)


def _only_corporate_roles(roles: list[str]) -> bool:
    """Roles such as "chief executive", "the provost" or "a spokeswoman", naming no one."""
    words = {w.lower() for role in roles for w in re.findall(r"[\w'’-]+", role)} - {"the"}
    return bool(words) and words <= CORPORATE_ROLE_WORDS | ROLE_ONLY_WORDS - {"president", "director", "official",
                                                                               "officer", "head", "manager"}


def _employer_of_role_name(name: str) -> str | None:
    """The organisation a speaker known only by a role works for, when the
    role names it: "Halvorsen Group's chief executive", "the chief executive
    of Orvin Motors", "a spokeswoman for the Port Authority"."""
    match = _EMPLOYER.search(name) or _FOR_EMPLOYER.search(name)
    if match is None:
        return None
    employer = next(g for g in match.groups() if g)
    role = (name[:match.start()] + " " + name[match.end():]).lower().split()
    if not role or not set(role) <= ROLE_ONLY_WORDS | {"a", "an"}:
        return None  # "the Mayor of London's office" or a name that merely contains "of"
    return employer.removeprefix("the ").removeprefix("The ")


_FOR_EMPLOYER = re.compile(r"\bfor (?:the )?(?P<for>[A-Z][\w&.'-]*(?: [A-Z][\w&.'-]*)*)$")


def order_key(statement: Statement, event_day: dt.date | None, position: int) -> tuple:
    """When a statement was made, for ordering: its day (or the end of its
    interval, or the day of its article's main event), then "earlier" before
    the rest, then its place in the text."""
    day = statement.date or statement.date_end or event_day or dt.date.max
    return (day, 0 if statement.earlier else 1, position)


Fallback = Callable[[Statement], "dt.date | None"]


def annotate(doc: Doc, statements: list[Statement], headline: list[Statement], actors: list[Actor],
             published: dt.date | None, title_doc: Doc | None = None) -> tuple[list[Claim], list[Reversal]]:
    """Give every statement its stance, time and claim; return the
    article's claims and the reversals within it. Headline statements'
    spans index `title_doc`."""
    by_id = {a.id: a for a in actors}
    _assign_times(doc, statements, published)
    _assign_sides(doc, statements + headline, actors, by_id)
    props = _assign_stances(doc, statements, headline, by_id, title_doc)
    claims = _assign_claims(statements, headline, props)
    dated = [s.date for s in statements if s.date] + [s.date_end for s in statements if s.date_end]
    event_day = max(dated) if dated else published
    return claims, find_reversals(statements, claims, by_id, lambda s: event_day)


def _assign_times(doc: Doc, statements: list[Statement], published: dt.date | None) -> None:
    for s in statements:
        if s.cue is not None and s.cue.span:
            t = statement_time(doc, s.cue.span[0], s.content.span, published)
            s.date_text, s.date, s.date_start, s.date_end, s.earlier = t.text, t.value, t.start, t.end, t.earlier
    for s in statements:  # without a date: the speaker's date in the same sentence, or the one continued
        if s.date is None and s.date_end is None:
            twin = next((o for o in statements if o is not s and o.sentence_index == s.sentence_index
                         and o.actor_id == s.actor_id and o.date is not None), None)
            parent = next((o for o in statements if s.kind.value == "continuation" and o.speaker_name == s.speaker_name
                           and o.paragraph_index <= s.paragraph_index and o.date is not None), None)
            source = twin or parent
            if source is not None:
                s.date, s.date_text = source.date, source.date_text


def _assign_sides(doc: Doc, statements: list[Statement], actors: list[Actor], by_id: dict[str, Actor]) -> None:
    organisations = [a for a in actors if a.type.value in ("organization", "group") and a.name[:1].isupper()]
    subject = _subject_organisation(doc, [a for a in organisations if a.type.value == "organization"])
    for s in statements:
        side = side_of(by_id.get(s.actor_id) if s.actor_id else None, s.speaker_name, organisations, subject)
        if side is not None:
            s.side, s.side_name = side.key, side.name


def _subject_organisation(doc: Doc, organisations: list[Actor]) -> Actor | None:
    """The organisation an article is about: the one named most often (by
    its name or its first word, "Tessaline" for "Tessaline Telecom"), if
    it is named at least twice and more often than any other."""
    text = doc.text
    counts = sorted(((max(text.count(o.name), text.count(o.name.split()[0] + " ") if o.name.split() else 0), o)
                     for o in organisations), key=lambda c: -c[0])
    if not counts or counts[0][0] < 2 or (len(counts) > 1 and counts[1][0] == counts[0][0]):
        return None
    return counts[0][1]


def _assign_stances(doc: Doc, statements: list[Statement], headline: list[Statement], by_id: dict[str, Actor],
                    title_doc: Doc | None) -> dict[str, Proposition]:
    """Each statement's stance, and its content's proposition (by statement id)."""
    props: dict[str, Proposition] = {}
    for s in statements + headline:
        source = title_doc if s in headline else doc
        s.stance = statement_stance(s, source)
        actor = by_id.get(s.actor_id) if s.actor_id else None
        country = actor.country if actor else None
        props[s.id] = proposition(source, s.content.span[0], s.content.span[1], country) if source else Proposition()
        if s.stance is Stance.AFFIRM and _restricts_presupposed_event(props[s.id]):
            s.stance = Stance.QUALIFY
    return props


def _assign_claims(statements: list[Statement], headline: list[Statement], props: dict[str, Proposition]) -> list[Claim]:
    """Each statement joins the first claim it matches, in text order; "the
    accusations" joins the claim it points back to; a bare "the supply" the
    same speaker's claim of that frame."""
    claims: list[Claim] = []
    members: dict[str, list[Statement]] = {}
    claim_props: dict[str, list[Proposition]] = {}

    def of_frame(claim: Claim, frame: str) -> bool:
        return any(q.frame and q.frame.name == frame for q in claim_props[claim.id])

    for s in statements + headline:
        p = props[s.id]
        target = None
        if p.anaphoric:
            pointed = _pointed_claim_id(s, statements)
            target = next((c for c in claims if c.id == pointed), None)
        elif p.frame is not None and p.bare:
            same_frame = [c for c in claims if of_frame(c, p.frame.name)]
            same_speaker = [c for c in same_frame if any(m.actor_id == s.actor_id for m in members[c.id])]
            target = (same_speaker or same_frame or [None])[-1]
        elif p.frame is not None:
            target = next((c for c in claims if any(p.matches(q, same_article=True) for q in claim_props[c.id])
                           and not any(p.clashes(q) for q in claim_props[c.id])), None)
        if target is None and (p.frame is None or p.anaphoric):
            continue  # nothing to say what it claims
        if target is None:
            target = Claim(id=f"c{len(claims) + 1}", text="")
            claims.append(target)
            members[target.id], claim_props[target.id] = [], []
        s.claim_id = target.id
        target.statement_ids.append(s.id)
        members[target.id].append(s)
        claim_props[target.id].append(p)
    for claim in claims:
        # a proposition that can be written out reads best; then the most complete
        best = max(zip(members[claim.id], claim_props[claim.id]), key=lambda mp: (is_canonical(mp[1]), mp[1].completeness))
        claim.text = claim_text(best[1], best[0].content.text)
        claim.canonical = is_canonical(best[1])
        framed = [q for q in claim_props[claim.id] if q.frame is not None]
        claim.frame = framed[0].frame.name if framed else None
        claim.terms = sorted(set().union(*(q.participants for q in framed))) if framed else []
        claim.recipients = sorted(set().union(*(q.recipients for q in framed))) if framed else []
    return claims


def _restricts_presupposed_event(p: Proposition) -> bool:
    """"The transfer took place before the war": the event is taken as given
    (a noun subject) and the clause only limits it, in time or extent; a
    qualified affirmation. "We gave drones to Russia" states the event itself."""
    predicate = p.predicate
    return (
        predicate is not None and predicate.pos_ == "NOUN" and predicate.dep_ in ("nsubj", "nsubjpass")
        and predicate.head.lemma_.lower() not in frames()
    )


def _name_words(name: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", name.lower()) if w not in ("the", "of", "and", "for")}


def _pointed_claim_id(statement: Statement, statements: list[Statement]) -> str | None:
    """The claim "the accusations" means: that of the nearest statement before
    it, in this paragraph or the last few, that has one."""
    if statement not in statements:
        return None
    for other in reversed(statements[: statements.index(statement)]):
        if statement.paragraph_index - other.paragraph_index > ANAPHORA_REACH_PARAGRAPHS:
            break
        if other.claim_id:
            return other.claim_id
    return None


def find_reversals(statements: list[Statement], claims: list[Claim], actors: dict[str, Actor],
                   event_day: Fallback) -> list[Reversal]:
    """Reversals, softenings and contradictions of each side on each claim,
    in time order. `statements` are in text (or article) order; `event_day`
    gives the day an undated statement is taken to be from."""
    position = {s.id: i for i, s in enumerate(statements)}

    def key(s: Statement) -> tuple:
        return order_key(s, event_day(s), position[s.id])

    reversals: list[Reversal] = []
    for claim in claims:
        said = [s for s in statements if s.claim_id == claim.id and s.stance in POLAR | SOFTER]
        by_side: dict[str, list[Statement]] = {}
        names: dict[str, str] = {}
        for s in said:
            side = Side(s.side, s.side_name or s.side) if s.side else side_of(
                actors.get(s.actor_id) if s.actor_id else None, s.speaker_name)
            if side is not None:
                by_side.setdefault(side.key, []).append(s)
                names[side.key] = side.name
        for side_key, items in by_side.items():
            items.sort(key=key)
            first = next((s for s in items if s.stance in POLAR), None)
            if first is None:
                continue
            # A change of position takes time: the earlier stance must be earlier
            # by date or tense, not only earlier in the text (a speaker's one
            # position read two ways is an extraction error, not a reversal).
            # Checked on polnear_train's 840 articles: within-article reversals
            # went from 9, nearly all such misreadings, to 0.
            def sooner(a: Statement, b: Statement) -> bool:
                return key(a)[:2] < key(b)[:2]

            changes = [s for s in items if s.stance in POLAR and s.stance != first.stance and sooner(first, s)]
            softer = [s for s in items if first.stance is Stance.DENY and s.stance in SOFTER and sooner(first, s)]
            for later in (changes or softer)[:1]:
                earlier = [s for s in items if s.stance == first.stance and sooner(s, later)]
                if later.stance in POLAR:
                    after = [s for s in items if s.stance == later.stance and not sooner(s, later)]
                    reversals.append(Reversal(
                        actor=names[side_key], claim_id=claim.id, from_stance=first.stance, to_stance=later.stance,
                        before=[s.id for s in earlier], after=[s.id for s in after], kind="reversal", side=side_key,
                        first_affirmation=later.stance is Stance.AFFIRM and not any(
                            s.stance is Stance.AFFIRM for s in earlier),
                    ))
                else:
                    reversals.append(Reversal(
                        actor=names[side_key], claim_id=claim.id, from_stance=first.stance, to_stance=later.stance,
                        before=[s.id for s in earlier], after=[later.id], kind="softening", side=side_key,
                    ))
        # contradictions: one side affirms what another explicitly denies (a
        # denial by speech act, not a negation read inside some content), and
        # the two are not one body under two names ("State", "the State
        # Department"). On polnear_train this took contradictions from 37 (most
        # of them noise) to 6 (several of them real: "X reported ...", "Y denied
        # the report").
        stances = {k: {s.stance for s in items if s.stance in POLAR} for k, items in by_side.items()}
        affirmers = [k for k, v in stances.items() if v == {Stance.AFFIRM}]
        deniers = [k for k, v in stances.items() if v == {Stance.DENY}
                   and any(s.cue_class in ("deny", "reject") for s in by_side[k])]
        for a in affirmers:
            for d in deniers:
                if _name_words(names[a]) & _name_words(names[d]):
                    continue
                reversals.append(Reversal(
                    actor=f"{names[a]} / {names[d]}", claim_id=claim.id, from_stance=Stance.AFFIRM, to_stance=Stance.DENY,
                    before=[s.id for s in by_side[a]], after=[s.id for s in by_side[d]], kind="contradiction", side=f"{a}|{d}",
                ))
    return reversals

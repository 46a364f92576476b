"""Who the speakers are: the actors of an article and the resolution of
each speaker mention to one of them.

Coreference here is rules over the parse, in the order a reader uses them:
a name is its person (surnames join full names); a description ("Iran's
foreign minister") is the named person the article gives that role
(apposition, a title before the name, "X is the Y"); a pronoun is the most
recent person (or group, for "they"; organisation, for "it") that was the
subject of a sentence or a speaker before it; anything else is the group or
institution as written.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from onrecord import lexicons
from onrecord.model import Actor, ActorType
from onrecord.nlp.geo import Country, gazetteer, is_role_noun, sector_of, sector_of_role
from onrecord.nlp.identity import name_titles
from onrecord.nlp.quotes import find_quotes
from onrecord.nlp.statements import DOCUMENT_NOUNS, FoundStatement, mention_span
from onrecord.settings import DEFAULT_SETTINGS, SpeakerSettings

HONORIFICS = {"mr", "mrs", "ms", "miss", "dr", "prof", "professor", "sir", "dame", "mx", "rev", "reverend"}
# Words that tell a person's gender when they stand before or beside the name.
FEMININE = {
    "mrs",
    "ms",
    "miss",
    "dame",
    "lady",
    "madam",
    "spokeswoman",
    "chairwoman",
    "businesswoman",
    "congresswoman",
    "mother",
    "wife",
    "daughter",
    "sister",
    "grandmother",
    "aunt",
    "niece",
    "queen",
    "princess",
    "actress",
    "woman",
    "girl",
    "widow",
    "mom",
    "mum",
}
MASCULINE = {
    "mr",
    "sir",
    "lord",
    "spokesman",
    "chairman",
    "businessman",
    "congressman",
    "father",
    "husband",
    "son",
    "brother",
    "grandfather",
    "uncle",
    "nephew",
    "king",
    "prince",
    "actor",
    "man",
    "boy",
    "widower",
    "dad",
}
PRONOUN_GENDER = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
PERSONAL_PRONOUNS = {"he", "she", "him", "her"}
PLURAL_PRONOUNS = {"they", "them"}
THING_PRONOUNS = {"it"}
# A description headed by one of these ("the company said") is the
# organisation the article last named; a document ("a release from X",
# "figures from the national statistics office") speaks for whoever it names.
ORGANISATION_NOUNS = {
    "company",
    "firm",
    "group",
    "union",
    "agency",
    "ministry",
    "department",
    "board",
    "commission",
    "council",
    "organization",
    "organisation",
    "party",
    "team",
    "club",
    "association",
    "federation",
    "bank",
    "university",
    "network",
    "authority",
    "court",
    "service",
    "campaign",
    "coalition",
    "alliance",
    "foundation",
    "charity",
    "institute",
    "committee",
    "corporation",
    "retailer",
    "airline",
    "carrier",
    "manufacturer",
    "startup",
    "broadcaster",
}
# Places and governments spoken of as speakers ("the city said") stay as written.
PLACE_NOUNS = {
    "city",
    "province",
    "state",
    "country",
    "government",
    "town",
    "region",
    "county",
    "municipality",
    "nation",
}


@dataclass
class ActorDraft:
    name: str
    type: ActorType
    aliases: set[str] = field(default_factory=set)
    roles: list[str] = field(default_factory=list)
    country: str | None = None
    sector: str | None = None
    speaks: bool = False
    gender: str | None = None  # "m" or "f" where the article shows it
    represents: ActorDraft | None = None  # the person a lawyer or spokesperson speaks for

    @property
    def surname(self) -> str:
        return _words(self.name)[-1] if _words(self.name) else ""


@dataclass
class PersonMention:
    actor: ActorDraft
    char: int
    paragraph: int
    subject: bool  # a sentence subject or a speaker: what pronouns refer back to
    speaks_here: bool = False  # the speaker of a statement at this place


class SpeakerResolver:
    """Builds an article's actors and resolves statement speakers to them."""

    def __init__(self, doc: Doc, paragraph_index, settings: SpeakerSettings = DEFAULT_SETTINGS.speakers) -> None:
        self.doc = doc
        self.settings = settings
        self.paragraph_index = paragraph_index
        self.gazetteer = gazetteer()
        self.persons: list[ActorDraft] = []
        self.groups: dict[str, ActorDraft] = {}
        self.mentions: list[PersonMention] = []
        # doc.ents builds its spans anew on each access: listed once
        self.ents = list(doc.ents)
        # a one-word "person" the model also tags a place in the article, and
        # whom no full name there has for a surname, is that place ("Surrey
        # has 70,000 students" beside "in Surrey")
        places = {ent.text for ent in self.ents if ent.label_ in ("GPE", "LOC")}
        surnames = {ent[-1].text for ent in self.ents if ent.label_ == "PERSON" and len(ent) > 1}
        self.person_ents = [
            ent
            for ent in self.ents
            if _is_person_entity(ent)
            and not (ent.label_ == "PERSON" and len(ent) == 1 and ent.text in places - surnames)
        ]
        # the quotations, paired across sentences as the statement finder pairs them
        self._quotes = find_quotes(doc.text)
        self._quote_starts = [q.start for q in self._quotes]
        # how the last speaker was resolved, and each statement's in `resolve`
        self.path = "none"
        self.paths: list[str] = []
        self.spoken_organisations: list[tuple[int, ActorDraft]] = []  # (speaker's offset, organisation)
        self._surname_tokens: dict[int, ActorDraft] = {}  # untagged surnames of known people, by token
        self._build_persons()

    # -- persons from the named entities -------------------------------------------

    def _build_persons(self) -> None:
        for ent in self.person_ents:
            name = person_name(ent)
            if not _words(name):
                continue
            actor = self._person_for(name)
            actor.aliases.add(name)
            self._add_roles(actor, ent)
            self.mentions.append(
                PersonMention(
                    actor, ent.start_char, self.paragraph_index(ent.start_char), ent.root.dep_ in ("nsubj", "nsubjpass")
                )
            )
        self._add_surname_mentions()
        self._learn_genders()
        # a surname seen before the full name joins it
        for actor in list(self.persons):
            if len(_words(actor.name)) == 1:
                fuller = [
                    p for p in self.persons if p is not actor and len(_words(p.name)) > 1 and p.surname == actor.surname
                ]
                if len(fuller) == 1:
                    self._merge(actor, fuller[0])

    def _add_surname_mentions(self) -> None:
        """A known person's surname the recogniser did not tag ("Vickers rolled
        into a sitting position") is a mention of that person too: what a
        later "he" looks back to. A surname two full names have is the one
        the article names more, as for a tagged surname (`_find_person`)."""
        surnames = {actor.surname for actor in self.persons if len(_words(actor.name)) > 1}
        tagged = {t.i for ent in self.person_ents for t in ent}
        added = False
        for token in self.doc:
            if token.pos_ != "PROPN" or token.text not in surnames or token.i in tagged or _in_quotes(token):
                continue
            actor = self._find_person(token.text, at=token.idx)
            if actor is not None:
                subject = token.dep_ in ("nsubj", "nsubjpass")
                self.mentions.append(PersonMention(actor, token.idx, self.paragraph_index(token.idx), subject))
                self._surname_tokens[token.i] = actor
                added = True
        if added:
            self.mentions.sort(key=lambda m: m.char)

    def _learn_genders(self) -> None:
        """Gender from the words around a name (Mr., spokeswoman, his father),
        then from sentences where one person alone is followed by he or she."""
        person_at = dict(self._surname_tokens)
        for ent in self.person_ents:
            if _words(person_name(ent)):
                actor = self._find_person(person_name(ent))
                if actor is None:
                    continue
                for t in ent:
                    person_at[t.i] = actor
                # only words attached to the name: an honorific just before or in
                # it, a title or an apposition of it ("his mother approached
                # Gillis" says nothing of Gillis)
                window = [t.lower_.rstrip(".") for t in self.doc[max(0, ent.start - 1) : ent.start + 1]]
                window += [t.lemma_.lower() for t in ent.root.children if t.dep_ in ("appos", "compound")]
                if ent.root.dep_ == "appos":
                    window.append(ent.root.head.lemma_.lower())
                if actor.gender is None:
                    if FEMININE & set(window):
                        actor.gender = "f"
                    elif MASCULINE & set(window):
                        actor.gender = "m"
        votes: dict[int, dict[str, int]] = {}
        for sentence in self.doc.sents:
            seen: list[ActorDraft] = []
            for token in sentence:
                if token.i in person_at and person_at[token.i] not in seen:
                    seen.append(person_at[token.i])
                gender = PRONOUN_GENDER.get(token.lower_)
                if gender and len(seen) == 1 and not _in_quotes(token):
                    tally = votes.setdefault(id(seen[0]), {})
                    tally[gender] = tally.get(gender, 0) + 1
        # Pronoun evidence counts only when it agrees with itself: two or more
        # votes, and at least four for each against (on ggt_dev a single vote
        # was wrong often enough to cost more than it gained; a stray "she"
        # in a sentence about a man and a woman named in the sentence before
        # is common: with none allowed against, "he" went past Kevin Vickers,
        # named 22 times, to the man named last: ggt_dev speaker entity 0.905 -> 0.907).
        for actor in self.persons:
            tally = votes.get(id(actor), {})
            if actor.gender is None and tally:
                gender, most = max(tally.items(), key=lambda item: item[1])
                against = sum(tally.values()) - most
                if most >= self.settings.min_gender_votes and most >= 4 * against:
                    actor.gender = gender

    def _person_for(self, name: str) -> ActorDraft:
        words = _words(name)
        for actor in self.persons:
            if _norm(actor.name) == _norm(name):
                return actor
        if len(words) == 1:
            # a surname (or, less often, a first name) of a person already met
            same = [p for p in self.persons if p.surname == words[0]]
            if not same:
                same = [p for p in self.persons if _words(p.name) and _words(p.name)[0] == words[0]]
            if same:
                return same[-1]
        else:
            for actor in self.persons:
                if len(_words(actor.name)) == 1 and actor.surname == words[-1]:
                    actor.name = name  # the full name arrives after the surname
                    return actor
                if actor.surname == words[-1] and _words(actor.name)[:1] == words[:1]:
                    if len(words) > len(_words(actor.name)):
                        actor.aliases.add(actor.name)
                        actor.name = name
                    return actor
        actor = ActorDraft(name=name, type=ActorType.PERSON)
        self.persons.append(actor)
        return actor

    def _merge(self, small: ActorDraft, big: ActorDraft) -> None:
        big.aliases |= small.aliases | {small.name}
        big.roles += [r for r in small.roles if r not in big.roles]
        big.country = big.country or small.country
        big.sector = big.sector or small.sector
        for mention in self.mentions:
            if mention.actor is small:
                mention.actor = big
        self.persons.remove(small)

    def _add_roles(self, actor: ActorDraft, ent: Span) -> None:
        # inside someone's quotation a description is that speaker's word for
        # the person ("Barack Obama, the founder of ISIS," Trump said); only a
        # title before the name is taken there ("Mayor McCallum's statements
        # vary," she said: on ggt_dev it resolved "the mayor" twice)
        quoted = self._quoted(ent.start_char)
        for role_head in _role_heads(ent):
            if quoted and not (role_head.i < ent.start and role_head.dep_ in ("compound", "amod", "nmod")):
                continue
            role = _role_text(role_head, exclude=ent)
            if not role or role in actor.roles or len(role) >= 120:
                continue
            if not (is_role_noun(role_head.lemma_) or sector_of_role(role)):
                continue  # "position of neutrality": a misparse, not a role
            role = self._owned_role(role, role_head, ent.start_char)
            actor.roles.append(role)
            if actor.represents is None:
                actor.represents = self._principal(role_head, ent.start_char, actor)
            country = self._country_in(role)
            if country and not actor.country:
                actor.country = country.iso3
            sector = sector_of_role(role)
            if sector and not actor.sector:
                actor.sector = sector

    def _owned_role(self, role: str, role_head: Token, at: int) -> str:
        """ "its chairman", "their spokeswoman": the role of the organisation
        just named ("The Farmers' Alliance ... said its chairman, Piet
        Vandermeer" is "chairman of the Farmers' Alliance"), so that whom the
        person speaks for is read from the role like any other."""
        owner = next((c for c in role_head.children if c.dep_ == "poss"), None)
        if owner is None or owner.lower_ not in ("its", "their") or not role.lower().startswith(owner.lower_ + " "):
            return role
        owner_text = self._organisation_subject_before(role_head)
        if owner_text is None:
            organisation = self._latest_organisation(at)
            owner_text = organisation.text if organisation is not None else None
        if owner_text is None:
            return role
        article = "the " if owner_text.lower().startswith("the ") else ""
        return f"{role[len(owner.text) + 1 :]} of {article}{_strip_det(owner_text)}"

    def _organisation_subject_before(self, token: Token) -> str | None:
        """The organisation the sentence before names as its subject ("The
        Fuel Free Kelso group disputed that."), in the same paragraph: what
        "its" in the next sentence most likely means."""
        sentence = token.sent
        before = sentence
        for _ in range(4):  # over the sentences of a quotation the role's sentence ends
            if before.start == 0:
                return None
            before = self.doc[before.start - 1].sent
            if not self._quoted(before.root.idx):
                break
        if self.paragraph_index(before.start_char) != self.paragraph_index(sentence.start_char):
            return None
        subject = next((c for c in before.root.children if c.dep_ == "nsubj"), None)
        if subject is None or subject.ent_type_ in ("PERSON", "GPE", "NORP"):
            return None
        phrase = self.doc[subject.left_edge.i : subject.i + 1]
        named = any(t.pos_ == "PROPN" for t in phrase) or subject.ent_type_ == "ORG"
        if not named or not (subject.ent_type_ == "ORG" or subject.lower_ in organisation_words()):
            return None
        return phrase.text

    def _quoted(self, char: int) -> bool:
        """Whether a character is inside a quotation (not a single-quoted
        title or nickname, which the writer may use for anyone)."""
        i = bisect.bisect_right(self._quote_starts, char) - 1
        return i >= 0 and self._quotes[i].start <= char < self._quotes[i].end and not self._quotes[i].single

    def _principal(self, noun: Token, at: int, agent: ActorDraft | None = None) -> ActorDraft | None:
        """Whom a representative speaks for: "his lawyer" the man last
        spoken of, "Haskell's lawyer" and "a spokesman for Haskell" Haskell."""
        if noun.lemma_.lower() not in representatives():
            return None
        owner = next((c for c in noun.children if c.dep_ == "poss"), None)
        if owner is None:
            by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "for"), None)
            owner = next((c for c in by.children if c.dep_ == "pobj"), None) if by is not None else None
        if owner is None:
            return None
        if owner.pos_ == "PRON":
            if owner.lower_ not in ("his", "her"):
                return None  # "their lawyer", "its spokesman": a group, not a person
            person = self.latest_person(at, PRONOUN_GENDER.get(owner.lower_))
        else:
            person = self._find_person(_strip_det(mention_span(owner).text).removesuffix("'s").removesuffix("’s"))
        return person if person is not agent else None

    def _country_in(self, text: str) -> Country | None:
        for start, _end, country in self.gazetteer.find_all(text):
            if country is None:
                continue
            if re.search(r"\bto (the )?$", text[:start]):
                continue  # "ambassador to the UN": whom they are sent to, not whose they are
            return country
        return None

    # -- resolving speakers ------------------------------------------------------

    def resolve(self, statements: list[FoundStatement]) -> list[tuple[str | None, ActorDraft | None]]:
        """(resolved name, actor) for each statement, in order; how each was
        resolved is in `self.paths`, in the same order: name,
        unrecognised_name, apposition, pronoun, representative, document, role,
        latest_speaker, organisation, group, label, floating, none, or
        continuation:<its first part's path> (the confidence model's features)."""
        results: list[tuple[str | None, ActorDraft | None]] = []
        by_id: dict[int, tuple[str | None, ActorDraft | None]] = {}
        path_of: dict[int, str] = {}
        self.paths = []
        for statement in statements:
            if statement.continues is not None:
                result = by_id.get(id(statement.continues), (None, None))
                self.path = "continuation:" + path_of.get(id(statement.continues), "none")
            elif statement.frame == "floating":
                person = self.latest_person(statement.start)
                result = (person.name, person) if person is not None else (None, None)
                self.path = "floating"
            elif statement.speaker is None:
                result = (None, None)
                self.path = "none"
            elif statement.frame == "transcript":
                result = self._labelled_speaker(statement.speaker)
                self.path = "label"
            else:
                result = self.resolve_mention(statement.speaker)
            path_of[id(statement)] = self.path.removeprefix("continuation:")
            self.paths.append(self.path)
            name, actor = result
            if actor is not None and actor.type is ActorType.ORGANIZATION and statement.speaker is not None:
                self.spoken_organisations.append((statement.speaker.start_char, actor))
            if actor is not None:
                actor.speaks = True
                if actor.type is ActorType.PERSON and statement.speaker is not None:
                    self.mentions.append(
                        PersonMention(
                            actor,
                            statement.speaker.start_char,
                            self.paragraph_index(statement.speaker.start_char),
                            True,
                            True,
                        )
                    )
                    self.mentions.sort(key=lambda m: m.char)
            by_id[id(statement)] = result
            results.append(result)
        return results

    def _labelled_speaker(self, label: Span) -> tuple[str | None, ActorDraft | None]:
        """A transcript's label ("FALLIN", "JAKE TAPPER", "SEN. CRUZ") is a
        person: the one the article names so, else a person of that name,
        written as a name is ("Jake Tapper"), whom later labels ("TAPPER")
        find by surname."""
        titles = HONORIFICS | name_titles()
        words = [w for w in label.text.split() if w.casefold().rstrip(".") not in titles] or label.text.split()
        name = " ".join(w.capitalize() if w.isupper() else w for w in words)
        person = self._find_person(name, at=label.start_char) or self._person_for(name)
        return person.name, person

    def resolve_mention(self, mention: Span) -> tuple[str | None, ActorDraft | None]:
        """The name and actor a speaker mention stands for: a person by name,
        a pronoun's antecedent, a described person or organisation, else a
        group under the mention's own words."""
        named = self._person_by_name(mention) or self._person_in_apposition(mention)
        if named is not None:
            return named.name, named
        if mention.root.pos_ == "PRON":
            self.path = "pronoun"
            return self._resolve_pronoun(mention)
        if mention.root.pos_ == "NOUN":
            described = self._described(mention)
            if described is not None:
                return described
        self.path = "group"
        return self._group(mention)

    def _person_by_name(self, mention: Span) -> ActorDraft | None:
        root = mention.root
        self.path = "name"
        for ent in self.person_ents:
            if ent.start < mention.end and mention.start < ent.end:
                if root.pos_ == "NOUN" and not ent.start <= root.i < ent.end:
                    continue  # the name modifies who speaks: "Surrey staff", "Trump aides"
                actor = self._find_person(person_name(ent), at=ent.start_char)
                if actor is not None:
                    return actor
        if root.pos_ == "PRON":
            return None
        # a name in capitals (a transcript's "FALLIN:") is tagged anything by the small model
        named_like = root.pos_ in ("PROPN", "ADJ", "NOUN") or (root.text.isupper() and len(root.text) > 1)
        if named_like and root.text[:1].isupper() and len(mention) <= 3:
            actor = self._find_person(_strip_det(mention.text), at=mention.start_char)
            if actor is not None:
                return actor
        if _looks_like_a_name(mention) and self.gazetteer.lookup(mention.text) is None:
            # a person the entity recogniser missed ("said Ana Ruiz, the minister")
            self.path = "unrecognised_name"
            actor = self._person_for(mention.text)
            actor.aliases.add(mention.text)
            self._add_roles(actor, mention)
            return actor
        return None

    def _person_in_apposition(self, mention: Span) -> ActorDraft | None:
        """The person a role names in apposition: "Keeper of the Ruler's
        Seal, Syed Danial Syed Ahmad, said", "Nunes, the brawler who said"."""
        root = mention.root
        if root.dep_ == "appos" and root.head.pos_ == "PROPN":  # "Nunes, the ferocious brawler who calls herself"
            head = root.head
            words = self.doc[min([head.i] + [t.i for t in head.lefts if t.dep_ == "compound"]) : head.i + 1]
            person = self._find_person(words.text, at=head.idx)
            if (
                person is None
                and is_role_noun(root.lemma_)
                and all(t.pos_ == "PROPN" for t in words)
                and not any(self.gazetteer.lookup(t.text) for t in words)
            ):
                person = self._person_for(words.text)  # a person the recogniser missed, a role says so
            if person is not None:
                self.path = "apposition"
                return person
        for child in root.subtree:
            appositive = child.dep_ == "appos" and child.ent_type_ == "PERSON" and child.i > root.i
            ent = _entity_of(child, self.person_ents) if appositive else None
            if ent is not None:
                self.path = "apposition"
                return self._find_person(person_name(ent), at=ent.start_char)
        return None

    def _representative(self, mention: Span) -> tuple[str | None, ActorDraft | None] | None:
        """ "Her attorney said", "a spokesman for Haskell said": the speaker,
        unnamed, as a group that represents its principal."""
        principal = self._principal(mention.root, mention.start_char)
        if principal is None:
            return None
        name, actor = self._group(mention)
        actor.represents = actor.represents or principal
        return name, actor

    def _described(self, mention: Span) -> tuple[str | None, ActorDraft | None] | None:
        """Whom a common-noun mention means: the body a document comes from
        ("a release from the dockworkers' union"), the named person with that
        role, the person just quoted ("says the cheerful shopkeeper"), or the
        organisation of the story ("the company")."""
        root = mention.root
        lemma = root.lemma_.lower()
        represented = self._representative(mention)
        if represented is not None:
            self.path = "representative"
            return represented
        named_group = self._organisation_in_apposition(mention)
        if named_group is not None:
            self.path = "apposition"
            return self._group(named_group)
        named = self._named_in(mention) if lemma in DOCUMENT_NOUNS else None
        if named is not None:
            self.path = "document"
            author = self._find_person(person_name(named), at=named.start_char) if named.label_ == "PERSON" else None
            return (author.name, author) if author is not None else self._group(named)
        if is_role_noun(root.lemma_) and lemma not in ORGANISATION_NOUNS:  # "the company" is no person's role
            actor = self._person_with_role(mention)
            if actor is not None:
                self.path = "role"
                return actor.name, actor
        definite = any(
            t.lower_ in ("the", "this") for t in root.children if t.dep_ == "det"
        )  # not "the matter" after it
        # (one a relative clause picks out is someone new: "the young woman who escorted her asked")
        plain = (
            definite
            and root.tag_ == "NN"
            and not any(t.pos_ == "PROPN" for t in mention)
            and not any(c.dep_ == "relcl" for c in root.children)
        )
        if plain and (lemma in speech_documents() or lemma not in ORGANISATION_NOUNS | DOCUMENT_NOUNS | PLACE_NOUNS):
            speaker = self._latest_speaker(mention.start_char)
            if speaker is not None:
                self.path = "latest_speaker"
                return speaker.name, speaker
        if plain and lemma in ORGANISATION_NOUNS:
            spoke = self._organisation_just_quoted(mention.start_char)
            if spoke is not None:
                self.path = "organisation"
                return spoke.name, spoke
            organisation = self._latest_organisation(mention.start_char)
            if organisation is not None:
                self.path = "organisation"
                return self._group(organisation)
        return None

    def _organisation_in_apposition(self, mention: Span) -> Span | None:
        """ "The group, WeWorkers Coalition, formed ...": the name it is given."""
        for child in mention.root.rights:
            if child.dep_ == "appos" and child.ent_type_ == "ORG":
                return _entity_of(child, self.ents)
        return None

    def _named_in(self, mention: Span) -> Span | None:
        """An organisation or person named in a document's phrase: "a release
        sent to media from the dockworkers' union", "figures from the statistics office"."""
        root = mention.root
        named: list[Span] = []
        for token in root.subtree:
            ent = (
                _entity_of(token, self.ents)
                if token.ent_type_ in ("ORG", "PERSON", "GPE") and token.i != root.i
                else None
            )
            if ent is not None and ent not in named:
                named.append(ent)
        # its author ("by", "from"), not whom it went to ("a statement e-mailed to The Globe by Reagan Ruslim")
        for ent in named:
            if ent.root.head.lower_ in ("by", "from", "of"):
                return ent
        return named[0] if named else None

    def _organisation_just_quoted(self, at: int) -> ActorDraft | None:
        """The organisation quoted last, in this paragraph or the one before:
        "Facebook said ... The company noted" (the small model often misses
        the name as an entity, not as a speaker)."""
        paragraph = self.paragraph_index(at)
        for char, actor in reversed(self.spoken_organisations):
            if char < at:
                return actor if paragraph - self.paragraph_index(char) <= 1 else None
        return None

    def _latest_organisation(self, before: int) -> Span | None:
        """The organisation "the company" most likely means: the latest named
        in this paragraph or the one before, else, of those named in the last
        few paragraphs, the one named most often so far (the story's
        subject), the latest on a tie. (The near one first took ggt_dev's
        speaker entity accuracy from 0.855 to 0.858.)"""
        paragraph = self.paragraph_index(before)
        counts: dict[str, int] = {}
        latest: dict[str, Span] = {}
        for ent in self.ents:
            if ent.start_char >= before:
                break
            # (an "ORG" that is a person's name in the article is the parser's slip: "McCallum")
            if ent.label_ == "ORG" and not self._could_be(ent.text):
                key = _norm(_strip_det(ent.text))
                counts[key] = counts.get(key, 0) + 1
                if paragraph - self.paragraph_index(ent.start_char) <= self.settings.organisation_reach_paragraphs:
                    latest[key] = ent
        if not latest:
            return None
        # one named in this paragraph or the one before is what "the company" takes up
        close = [k for k in latest if paragraph - self.paragraph_index(latest[k].start_char) <= 1]
        if close:
            return latest[max(close, key=lambda k: latest[k].start_char)]
        best = max(latest, key=lambda k: (counts[k], latest[k].start_char))
        return latest[best]

    def _find_person(self, name: str, at: int | None = None) -> ActorDraft | None:
        """The person a name means: the full name; else whoever the name
        could be (an alias already seen, the surname, or a first name, as in
        "Ana", or a family name written first); when two could be (two Lindqvists),
        the one the article mentions most, then the one last mentioned before
        `at` (on ggt_dev, frequency first resolved more than recency first)."""
        same = self._could_be(name)
        if len(same) <= 1:
            return same[0] if same else None
        counts = {id(p): sum(1 for m in self.mentions if m.actor is p) for p in same}
        last_seen = {
            id(p): max((m.char for m in self.mentions if m.actor is p and (at is None or m.char < at)), default=-1)
            for p in same
        }
        return max(same, key=lambda p: (counts[id(p)], last_seen[id(p)]))

    def _could_be(self, name: str) -> list[ActorDraft]:
        """The persons a name could mean: the one of that full name, else
        those it is an alias, surname or first name of."""
        words = _words(name)
        if not words:
            return []
        key = _norm(name)
        exact = next((actor for actor in self.persons if _norm(actor.name) == key), None)
        if exact is not None:
            return [exact]
        same = [p for p in self.persons if key in {_norm(a) for a in p.aliases}]
        # names compare in any case: a transcript's label is in capitals ("RAMOS:")
        folded = [w.casefold() for w in words]
        if not same and len(words) == 1:
            same = [p for p in self.persons if p.surname.casefold() == folded[0]]
            if not same:
                same = [p for p in self.persons if [w.casefold() for w in _words(p.name)[:1]] == folded]
        elif not same:
            same = [p for p in self.persons if p.surname.casefold() == folded[-1] and len(_words(p.name)) >= len(words)]
        return same

    def _resolve_pronoun(self, mention: Span) -> tuple[str | None, ActorDraft | None]:
        pronoun = mention.root.lower_
        if pronoun in PERSONAL_PRONOUNS:
            actor = self.latest_person(mention.start_char, PRONOUN_GENDER.get(pronoun))
            return (actor.name, actor) if actor is not None else (mention.text, None)
        if pronoun in PLURAL_PRONOUNS or pronoun in THING_PRONOUNS:
            wanted_plural = pronoun in PLURAL_PRONOUNS
            for group in reversed(list(self.groups.values())):
                if group.speaks and (wanted_plural or group.type is ActorType.ORGANIZATION):
                    return group.name, group
        return mention.text, None

    def _latest_speaker(self, at: int) -> ActorDraft | None:
        paragraph = self.paragraph_index(at)
        for mention in reversed(self.mentions):
            if (
                mention.char < at
                and mention.speaks_here
                and paragraph - mention.paragraph <= self.settings.description_reach_paragraphs
            ):
                return mention.actor
        return None

    def latest_person(self, at: int, gender: str | None = None) -> ActorDraft | None:
        """The person a "he" or "she" at this offset most likely is: the latest
        subject or speaker nearby, else the latest person mentioned at all.
        Single-word names count only if they are subjects or speakers (NER
        tags places and titles as people now and then)."""
        paragraph = self.paragraph_index(at)
        before = self.mentions[: bisect.bisect_left([m.char for m in self.mentions], at)]
        if gender is not None:
            before = [m for m in before if m.actor.gender in (None, gender)]
        if not self._quoted(at):
            # '"Jesus means what he says," he said': a pronoun in the narrative
            # does not take up a person named inside someone's quotation
            before = [m for m in before if not self._quoted(m.char)]
        near = [m for m in before if paragraph - m.paragraph <= self.settings.pronoun_reach_paragraphs]
        for pool in (
            [m for m in near if m.subject],
            [m for m in near if len(_words(m.actor.name)) > 1 or m.actor.speaks],
            [m for m in before if m.subject],
            before,
        ):
            if pool:
                return pool[-1].actor
        return None

    def _person_with_role(self, mention: Span) -> ActorDraft | None:
        """The named person whose role this description names: same role
        word, no clashing modifier or country; the nearest one if several."""
        head = mention.root.lemma_.lower()
        modifiers = {t.lemma_.lower() for t in mention if t.dep_ in ("amod", "compound") and t.pos_ != "PROPN"}
        country = self._country_in(mention.text)
        best, best_score = None, 0
        for actor in self.persons:
            for role in actor.roles:
                role_words = {w.lower() for w in _words(role)}
                lemmas = {w.rstrip("s") for w in role_words}
                if head not in role_words and head not in lemmas:
                    continue
                if country and actor.country and country.iso3 != actor.country:
                    continue
                score = 1 + len(modifiers & role_words) + (2 if country and actor.country == country.iso3 else 0)
                if modifiers - role_words and modifiers & {"deputy", "former", "vice", "assistant", "acting"}:
                    continue
                if score > best_score:
                    best, best_score = actor, score
        return best

    def _group(self, mention: Span) -> tuple[str, ActorDraft]:
        name = mention.text.strip()
        key = _norm(_strip_det(name))
        if key in self.groups:
            return self.groups[key].name, self.groups[key]
        root = mention.root
        # "Iran's paramilitary Revolutionary Guard": the owner outside the name counts
        owner = " ".join(t.text for t in root.lefts if t.dep_ in ("poss", "amod", "compound") and t.i < mention.start)
        country = self.gazetteer.lookup(_strip_det(name)) or self._country_in(name) or self._country_in(owner)
        if root.ent_type_ == "GPE" and country is not None and self.gazetteer.lookup(_strip_det(name)):
            actor_type = ActorType.COUNTRY
        elif (
            root.ent_type_ == "ORG"
            or names_organisation(name)
            or (root.pos_ == "NOUN" and sector_of(root.lemma_) and root.tag_ != "NNS")
        ):
            actor_type = ActorType.ORGANIZATION
        else:
            actor_type = ActorType.GROUP
        actor = ActorDraft(
            name=name,
            type=actor_type,
            country=country.iso3 if country else None,
            sector=None if actor_type is ActorType.COUNTRY else sector_of_role(name),
        )
        self.groups[key] = actor
        return actor.name, actor

    # -- the article's actors -------------------------------------------------------

    def actors(self) -> list[ActorDraft]:
        """Every person met, and every group that speaks."""
        return self.persons + [g for g in self.groups.values() if g.speaks]


def to_actors(drafts: list[ActorDraft]) -> tuple[list[Actor], dict[int, str]]:
    """Model actors with ids a1, a2, ... and a map from draft to id."""
    actors, ids = [], {id(draft): f"a{number}" for number, draft in enumerate(drafts, start=1)}
    for draft in drafts:
        actor_id = ids[id(draft)]
        aliases = sorted(
            a
            for a in draft.aliases | ({draft.surname} if draft.type is ActorType.PERSON else set())
            if a and a != draft.name
        )
        actors.append(
            Actor(
                id=actor_id,
                name=draft.name,
                type=draft.type,
                roles=list(draft.roles),
                aliases=aliases,
                country=draft.country,
                sector=draft.sector,
                represents=ids.get(id(draft.represents)) if draft.represents is not None else None,
            )
        )
    return actors, ids


@lru_cache(maxsize=1)
def speech_documents() -> frozenset[str]:
    return lexicons.words("onrecord.nlp", "speech_documents.txt")


@lru_cache(maxsize=1)
def representatives() -> frozenset[str]:
    return lexicons.words("onrecord.nlp", "representatives.txt")


def person_name(ent: Span) -> str:
    """A person entity's name without honorifics, role titles before it, or a possessive."""
    tokens = list(ent)
    if ent.label_ != "PERSON":
        start = _name_after_title(ent)
        if start is not None:
            tokens = [t for t in tokens if t.i >= start]
    while tokens and (tokens[-1].tag_ == "POS" or tokens[-1].is_punct):
        tokens.pop()
    while len(tokens) > 1 and (
        tokens[0].lower_.rstrip(".") in HONORIFICS
        or _abbreviated_title(tokens[0])
        or (tokens[0].pos_ != "PROPN" and not tokens[0].text[:1].isupper())
        or is_role_noun(tokens[0].lemma_)
        and tokens[0].lower_ not in ("general",)
        and len(tokens) > 2
    ):
        tokens.pop(0)
    if not tokens:
        return ""
    name = ent.doc[tokens[0].i : tokens[-1].i + 1].text  # a span's text: Doc.text rebuilds the whole text
    # an editor's brackets inside a quotation ("with [Bob] Corker", "Newt [Gingrich]") are not the name's
    return " ".join(name.replace("[", " ").replace("]", " ").split()) if "[" in name or "]" in name else name


def _role_heads(ent: Span) -> list[Token]:
    """Nouns that give the person a role: an apposition either way round,
    a title before the name, or "X is the Y"."""
    root = ent.root
    heads = []
    for child in root.children:
        if child.dep_ == "appos" and (child.pos_ == "NOUN" or (child.pos_ == "PROPN" and child.ent_type_ != "PERSON")):
            heads.append(child)  # "X, the foreign minister", "X, the Supreme Leader of Iran"
    if root.dep_ == "appos" and root.head.pos_ == "NOUN":
        heads.append(root.head)
    if root.dep_ == "nsubj" and root.head.lemma_ == "be":
        heads += [c for c in root.head.children if c.dep_ == "attr" and c.pos_ == "NOUN"]
    # a title before the name: "Foreign Minister Hossein Amirabdollahian"
    title = [
        c
        for c in root.lefts
        if c.i < ent.start and c.dep_ in ("compound", "amod", "nmod") and c.pos_ in ("PROPN", "NOUN", "ADJ")
    ]
    if title:
        heads.append(title[-1])
    return heads


def _role_text(head: Token, exclude: Span) -> str:
    """The words of a role: the head noun's phrase without the person's name,
    leading articles, or a relative clause."""
    tokens = [t for t in head.subtree if not (exclude.start <= t.i < exclude.end)]
    if head.i < exclude.start and head.dep_ in ("compound", "amod", "nmod"):
        tokens = [t for t in head.doc[head.left_edge.i : exclude.start]]
    # a relative clause goes from its first word ("who has given ..."), not from its verb
    cut = min(
        (
            t.left_edge.i if t.dep_ in ("relcl", "acl") else t.i
            for t in tokens
            if t.dep_ in ("relcl", "acl") or (t.is_punct and t.i > head.i)
        ),
        default=None,
    )
    if cut is not None:
        tokens = [t for t in tokens if t.i < cut]
    while tokens and (tokens[0].dep_ == "det" or tokens[0].is_punct):
        tokens.pop(0)
    while tokens and tokens[-1].is_punct:
        tokens.pop()
    if not tokens:
        return ""
    role = head.doc[tokens[0].i : tokens[-1].i + 1]
    if any(t.ent_type_ == "PERSON" for t in role):
        # "presidential candidates Donald Trump and Hillary Rodham Clinton":
        # a role that names people is a list of them, not one person's role
        return ""
    return role.text


def names_organisation(name: str) -> bool:
    """Whether a name ends like an organisation's ("Halvorsen Group",
    "Ostmark Foods", data/organisation_words.txt)."""
    words = re.findall(r"[\w'’-]+", name)
    return bool(words) and words[-1].lower().rstrip(".") in organisation_words() and words[-1][:1].isupper()


@lru_cache(maxsize=1)
def organisation_words() -> frozenset[str]:
    return lexicons.words("onrecord.nlp", "organisation_words.txt")


def _is_person_entity(ent: Span) -> bool:
    """A PERSON entity, unless its name is an organisation's (the small
    model tags "Ostmark Foods" PERSON); or a name after an abbreviated title,
    whatever the entity's label (it tags "Det. Insp. Mark Hale" ORG)."""
    if ent.label_ == "PERSON":
        return not names_organisation(ent.text)
    if ent.label_ in ("ORG", "GPE", "NORP", "FAC") and _name_after_title(ent) is not None:
        return True
    titles = 0
    while titles < len(ent) and _abbreviated_title(ent[titles]):
        titles += 1
    name = [t for t in ent[titles:] if not (t.tag_ == "POS" or t.is_punct)]
    return (
        titles > 0
        and ent.label_ in ("ORG", "GPE", "NORP", "FAC")
        and 1 <= len(name) <= 3
        and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in name)
    )


def _name_after_title(ent: Span) -> int | None:
    """Where a person's name starts in an entity the model tagged otherwise,
    after a title inside it: "Wet'suwet'en Hereditary Chief Na'moks",
    "Bank of England Governor Andrew Bailey" (ORG). The title is not the
    entity's first word ("General Motors" is a company) and one to three
    capitalised proper nouns follow it to the end."""
    if names_organisation(ent.text):
        return None
    words = [t for t in ent if not (t.tag_ == "POS" or t.is_punct)]
    for k in range(len(words) - 2, 0, -1):
        if words[k].lower_.rstrip(".") in name_titles():
            name = words[k + 1 :]
            if (
                1 <= len(name) <= 3
                and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in name)
                and gazetteer().lookup(ent.doc[name[0].i : name[-1].i + 1].text) is None  # "Secretary General Ghana"
            ):
                return name[0].i
            return None
    return None


def _entity_of(token: Token, ents: list[Span]) -> Span | None:
    """The entity of `ents` the token is part of."""
    return next((ent for ent in ents if ent.start <= token.i < ent.end), None)


def _abbreviated_title(token: Token) -> bool:
    """ "Sgt.", "Det.", "Gov.": a title shortened with a full stop."""
    return token.text.endswith(".") and len(token.text) > 2 and token.lower_.rstrip(".") in name_titles()


def _looks_like_a_name(mention: Span) -> bool:
    """Two to four capitalised proper nouns, none an organisation or place."""
    tokens = [t for t in mention if not t.is_punct]
    return (
        not names_organisation(mention.text)
        and 2 <= len(tokens) <= 4
        and all(t.pos_ == "PROPN" and t.text[:1].isupper() for t in tokens)
        and not any(t.ent_type_ in ("ORG", "GPE", "NORP", "FAC", "LOC") for t in tokens)
    )


def _in_quotes(token: Token) -> bool:
    """Whether a token is inside quotation marks in its sentence (a rough
    test: an odd number of marks before it)."""
    marks = sum(1 for t in token.sent if t.i < token.i and t.text in ('"', "\u201c", "\u201d"))
    return marks % 2 == 1


def _words(name: str) -> list[str]:
    return [w for w in re.findall(r"[\w'’-]+", name) if w.lower().rstrip(".") not in HONORIFICS]


def _norm(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return " ".join(re.findall(r"\w+", folded))


def _strip_det(text: str) -> str:
    return re.sub(r"^(the|a|an)\s+", "", text.strip(), flags=re.I)

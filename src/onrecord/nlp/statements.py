"""Statements in a parsed article: who is said to have said what.

Two passes over the parse:

1. Cue first. Every reporting cue outside a quotation (data/cues.tsv) with a
   speaker (its subject, the agent of a passive, the noun a participle or
   relative clause hangs on, "according to X") and content (a quotation next
   to it, its clausal complement, or, by its frames, a gerund, an object, a
   to-infinitive, or "called X 'Y'").
2. Quotation first. Every quotation not yet taken: a cue just after or just
   before it ("X said:"), a speaker introduced by a colon ("X: '...'"), a
   dash after it ('"..." ― X'), or else the continuation of the previous
   speaker's words.

Before both, transcripts: a paragraph opened by a speaker's label in
capitals ("RAMOS: ...", "SEN. CRUZ: ...") is that speaker's words.

Speakers are kept as mentions here; `speakers.py` resolves them to actors.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from spacy.tokens import Doc, Span, Token

from onrecord import lexicons
from onrecord.ingest.text import remove_boilerplate
from onrecord.model import StatementKind
from onrecord.nlp.cues import Cue, cue_lexicon, cue_of, nominal_cue_of
from onrecord.nlp.geo import is_role_noun
from onrecord.nlp.quotes import ALL_QUOTE_MARKS, Quote, find_quotes
from onrecord.settings import DEFAULT_SETTINGS, StatementSettings

CharSpan = tuple[int, int]
# what a cue says: the content's spans, its quotations, and the frame that found it
Content = tuple[list[CharSpan], list[Quote], str]
# a frame's answer that the cue says nothing here (no later frame is tried)
NO_CONTENT: Content = ([], [], "")

SUBJECT_DEPS = ("nsubj", "nsubjpass", "csubj")
# Content in an object or a to-infinitive is taken only for these speech
# acts: "acknowledged the supply", "denied the report", "urged X to act",
# "pledged to act". For other cues ("confirmed the wedding", "praised the
# team", "refused to comment") such content is rarely a statement: on
# ggt_dev 2 of 45 object-frame and 5 of 25 to-frame finds were quotes.
OBJECT_FRAME_ACTS = {"admit", "deny", "confirm"}
TO_FRAME_ACTS = {"demand", "promise"}
FIRST_PERSON = {"i", "we", "me", "us"}


@dataclass
class FoundStatement:
    """A statement as found in the text, before speaker resolution."""

    content: list[CharSpan]
    kind: StatementKind
    cue: Cue | None = None
    cue_span: CharSpan | None = None
    speaker: Span | None = None  # the speaker mention
    sentence_index: int = 0
    paragraph_index: int = 0
    continues: FoundStatement | None = None  # for a continuation: whose words these are
    quotes: list[Quote] = field(default_factory=list)
    # how it was found: quote, that, gerund, object, to, call, according,
    # nominal, colon, dash, transcript, continuation
    frame: str = ""

    @property
    def start(self) -> int:
        return self.content[0][0]


class StatementFinder:
    """Finds statements in one parsed article."""

    def __init__(self, doc: Doc, settings: StatementSettings = DEFAULT_SETTINGS.statements) -> None:
        self.doc = doc
        self.settings = settings
        self.text = doc.text
        self.quotes = find_quotes(self.text)
        self._quote_starts = [q.start for q in self.quotes]
        self.sentences = list(doc.sents)
        self._sentence_starts = [s.start_char for s in self.sentences]
        self._paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n|\n", self.text)]
        self.found: list[FoundStatement] = []
        self._taken_quotes: set[int] = set()
        self._taken_cues: set[int] = set()
        self._turns: list[CharSpan] = []  # transcript turns: the words of a labelled speaker
        self._boilerplate_cache: dict[int, bool] = {}
        # words written as names inside a sentence somewhere in the article:
        # the small model tags a sentence-initial unknown name as an adverb
        # or adjective ("Ledgerly on Wednesday confirmed ..."), not elsewhere
        lower = {t.text for t in doc if t.is_lower}
        self._names = {
            t.text
            for t in doc
            if t.is_title
            and not t.is_sent_start
            and t.i > 0
            and not doc[t.i - 1].is_punct
            and t.pos_ in ("PROPN", "NOUN", "ADJ", "ADV")
            and t.text.lower() not in lower
        }

    # -- helpers ---------------------------------------------------------------

    def quote_at(self, char: int) -> int | None:
        """Index of the quotation containing a character offset, if any."""
        i = bisect.bisect_right(self._quote_starts, char) - 1
        if i >= 0 and self.quotes[i].start <= char < self.quotes[i].end:
            return i
        return None

    def in_quote(self, token: Token) -> bool:
        return self.quote_at(token.idx) is not None

    def sentence_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self._sentence_starts, char) - 1)

    def paragraph_index(self, char: int) -> int:
        return max(0, bisect.bisect_right(self._paragraph_starts, char) - 1)

    def quote_words(self, quote: Quote) -> int:
        return len(re.findall(r"\w+", self.text[quote.start : quote.end]))

    def _in_boilerplate(self, char: int) -> bool:
        """Whether the paragraph is page furniture ("READ MORE: ...") by the
        same rules plain-text ingestion removes it with."""
        index = self.paragraph_index(char)
        if index not in self._boilerplate_cache:
            start = self._paragraph_starts[index]
            end = self._paragraph_starts[index + 1] if index + 1 < len(self._paragraph_starts) else len(self.text)
            paragraph = " ".join(self.text[start:end].split())
            self._boilerplate_cache[index] = bool(paragraph) and not remove_boilerplate([paragraph])
        return self._boilerplate_cache[index]

    def paragraph_start(self, char: int) -> int:
        start = self._paragraph_starts[self.paragraph_index(char)]
        while start < len(self.text) and self.text[start].isspace():
            start += 1
        return start

    # -- pass 1: cues ---------------------------------------------------------------

    def find(self) -> list[FoundStatement]:
        self._transcript_pass()
        for sentence in self.sentences:
            for token in sentence:
                if token.i in self._taken_cues or self.in_quote(token) or self._in_turn(token.idx):
                    continue
                if token.lower_ == "according" and token.i + 1 < len(self.doc) and self.doc[token.i + 1].lower_ == "to":
                    self._according_to(token, sentence)
                    continue
                cue = cue_of(token)
                if cue is not None and _purpose_infinitive(token):
                    continue  # "did not have numbers to show how many ...": nobody reports anything
                if cue is not None:
                    self._cue_statement(token, cue, sentence)
                    continue
                nominal = nominal_cue_of(token)
                if nominal is not None:
                    self._nominal_statement(token, nominal)
        self._quotation_pass()
        self.found.sort(key=lambda f: f.start)
        self._trim_nested()
        return self.found

    # -- pass 0: transcripts ----------------------------------------------------------

    def _transcript_pass(self) -> None:
        """'RAMOS: We have the numbers.' A paragraph opened by a speaker's
        label in capitals and a colon is that speaker's words, to the end of
        the paragraph; the cues inside it are the speaker's own wording,
        not statements of their own."""
        for match in self._speaker_labels():
            words_start = match.end()
            end = self.text.find("\n", words_start)
            end = len(self.text) if end < 0 else end
            while end > words_start and self.text[end - 1].isspace():
                end -= 1
            if end <= words_start or self.text[words_start] in ALL_QUOTE_MARKS:
                continue  # 'GUTERRES: "..."' is a quotation, attributed by its colon
            speaker = self.doc.char_span(match.start("label"), match.end("label"), alignment_mode="expand")
            if speaker is None:
                continue
            colon = match.end("label")
            self._turns.append((words_start, end))
            self._add(
                FoundStatement(
                    content=[(words_start, end)],
                    kind=StatementKind.DIRECT,
                    cue_span=(colon, colon + 1),
                    speaker=speaker,
                    quotes=[q for q in self.quotes if words_start <= q.start and q.end <= end],
                    frame="transcript",
                )
            )

    def _speaker_labels(self) -> list[re.Match[str]]:
        """The paragraph labels that name speakers. A label must name a
        person the article names, or, in a transcript (where some label
        does), open two turns or more (an interviewer named only in
        capitals: "JAKE TAPPER:", "TAPPER:"). Market reports and live pages
        open paragraphs with headings in capitals too ("ENERGY: U.S. crude
        oil slipped ...", "WATCH BELOW: ..."; 8 such on ggt_dev, no transcript)."""
        labelled = []
        for start in self._paragraph_starts:
            match = TRANSCRIPT_LABEL.match(self.text, start)
            label = " ".join(match.group("label").split()) if match else ""
            if match and label not in NOT_SPEAKER_LABELS and re.search(r"[A-Z]{2}", label):
                labelled.append((match, label.split()[-1].casefold()))
        person_words = {
            word.casefold()
            for ent in self.doc.ents
            if ent.label_ == "PERSON"
            for word in re.findall(r"[\w'’-]+", ent.text)
        }
        named = {key for _, key in labelled if key in person_words}
        turns = Counter(key for _, key in labelled)
        recurring = {key for key, n in turns.items() if n >= 2} if named else set()
        return [match for match, key in labelled if key in named or key in recurring]

    def _in_turn(self, char: int) -> bool:
        return any(s <= char < e for s, e in self._turns)

    def _trim_nested(self) -> None:
        """A content clause ends where another statement's speaker begins
        ("Insisting that ... Kyiv, Iran's foreign minister acknowledged ...")."""
        starts = sorted(f.speaker.start_char for f in self.found if f.speaker is not None)
        for statement in self.found:
            if statement.kind is not StatementKind.INDIRECT or len(statement.content) != 1:
                continue
            s, e = statement.content[0]
            inside = [c for c in starts if s < c < e]
            if not inside:
                continue
            span = self.doc.char_span(s, inside[0], alignment_mode="contract")
            if span is None:
                continue
            tokens = list(span)
            while tokens and (
                tokens[-1].is_punct or tokens[-1].is_space or tokens[-1].pos_ in ("CCONJ", "SCONJ", "ADV")
            ):
                tokens.pop()
            if tokens:
                statement.content = [(tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))]

    def _add(self, statement: FoundStatement, cue_token: Token | None = None) -> None:
        statement.content = [(s, e) for s, e in statement.content if e > s]
        if not statement.content or self._in_boilerplate(statement.content[0][0]):
            return
        if statement.speaker is not None and statement.speaker.root.lower_ in FIRST_PERSON:
            return  # the writer speaking in the first person is not a reported statement
        if statement.kind is StatementKind.INDIRECT and statement.frame not in ("object", "gerund", "call"):
            words = sum(len(re.findall(r"\w+", self.text[s:e])) for s, e in statement.content)
            if words < self.settings.min_indirect_words:
                return
        statement.sentence_index = self.sentence_index(statement.start)
        statement.paragraph_index = self.paragraph_index(statement.start)
        for s, e in statement.content:
            for i in range(len(self.quotes)):
                q = self.quotes[i]
                if q.start < e and s < q.end:
                    self._taken_quotes.add(i)
        if cue_token is not None:
            self._taken_cues.add(cue_token.i)
        self.found.append(statement)

    def is_name(self, token: Token) -> bool:
        """A token the article writes as a name elsewhere, whatever its tag
        here, or a capitalised adjective or adverb opening the sentence as
        its subject ("Pellory on Tuesday confirmed ...": the small model's
        tag for an unknown name, not a word that says anything)."""
        if not token.is_title:
            return False
        if token.text in self._names:
            return True
        if not token.is_sent_start or token.pos_ not in ("ADJ", "ADV") or token.lower_ in QUANTIFIERS:
            return False
        # the subject, or the only candidate for one: a finite verb has a subject
        verb = token.head
        return token.dep_ == "nsubj" or (
            verb.tag_ in ("VBD", "VBZ", "VBP") and not any(c.dep_ in SUBJECT_DEPS for c in verb.children)
        )

    def _cue_statement(self, verb: Token, cue: Cue, sentence: Span) -> None:
        speaker = self.speaker_of(verb, sentence)
        if speaker is None or not (can_speak(speaker, any_noun=True) or self.is_name(speaker)):
            return
        cue_span = (verb.idx, verb.idx + len(verb.text))
        for child in verb.children:  # the particle of a phrasal cue belongs to it
            if child.dep_ in ("prt", "prep") and cue.lemma == f"{verb.lemma_.lower()}_{child.lower_}":
                cue_span = (min(cue_span[0], child.idx), max(cue_span[1], child.idx + len(child.text)))
        content = self.content_of(verb, cue, sentence, speaker)
        if content is None:
            return
        spans, quotes, frame = content
        if frame in ("object", "gerund") and any(self._heads_content(verb, f) for f in self.found):
            return  # "denied that she had accepted bribes": the words denied, not an admission
        # "Dravely, the parcel locker network used by ..., dismissed": the
        # parser made the apposition the subject; the name speaks
        named = self._name_before_apposition(speaker, sentence) if speaker.pos_ == "NOUN" else None
        if named is not None:
            speaker = named
        elif not (can_speak(speaker, any_noun=frame == "quote", documents=frame == "that") or self.is_name(speaker)):
            return  # "drones slamming into ...", "a common belief is that ..."
        if cue.speech_act == "believe" and frame != "quote":
            return  # "X thinks that ...": a belief, reported as a statement only with a quotation
        statement = FoundStatement(
            content=spans,
            kind=self.kind_of(spans, quotes),
            cue=cue,
            cue_span=cue_span,
            speaker=mention_span(speaker),
            quotes=quotes,
            frame=frame,
        )
        self._add(statement, verb)

    def _nominal_statement(self, noun: Token, cue: Cue) -> None:
        """ "X made claims that ...", "X's denial that ...", "a warning by X that ..."."""
        if noun.dep_ == "dobj" and cue_of(noun.head) is not None:
            return  # "dismissed claims that ...": the verb's statement, not the claims'
        clause = _that_clause_of(noun)
        if clause is None and "to" in cue.frames:
            clause = next(
                (c for c in noun.children if c.dep_ == "acl" and any(g.lower_ == "to" for g in c.children)), None
            )
        if clause is None:
            return
        speaker = _nominal_speaker(noun)
        if speaker is None or not can_speak(speaker) or speaker.lower_ in ("it", "this", "that"):
            return
        spans, quotes = self._span_with_quotes(_subtree_span(clause))
        self._add(
            FoundStatement(
                content=spans,
                kind=self.kind_of(spans, quotes),
                cue=cue,
                cue_span=(noun.idx, noun.idx + len(noun.text)),
                speaker=mention_span(speaker),
                quotes=quotes,
                frame="nominal",
            ),
            noun,
        )

    def speaker_of(self, verb: Token, sentence: Span) -> Token | None:
        """The token that names who speaks through this cue, or None."""
        decided, speaker = self._speaker_up_the_parse(verb)
        if decided:
            return speaker
        opening = self._opening_mention(verb, sentence)
        if opening is not None:
            return opening
        return self._participle_subject(verb, sentence)

    def _speaker_up_the_parse(self, verb: Token) -> tuple[bool, Token | None]:
        """The cue's subject, or that of a verb it hangs on ("X smiled and
        said", "X ..., saying that"); (False, None) when the parse says nothing
        of who speaks, (True, None) when it says nobody named does."""
        seen = set()
        token = verb
        while token.i not in seen:
            seen.add(token.i)
            agent = next((c for c in token.children if c.dep_ == "agent"), None)
            subjects = [c for c in token.children if c.dep_ in SUBJECT_DEPS]
            # '"... Not one," said its chairman': the parser may make a word of the
            # quotation a second subject; the one outside the quotation speaks
            subject = next((c for c in subjects if not self.in_quote(c)), subjects[0] if subjects else None)
            if subject is not None:
                return True, _speaker_from_subject(token, verb, subject, agent)
            if agent is not None and token is verb:
                return True, _object_of(agent)
            # "X, the ambassador, repeated ... and called ...": the small parser
            # often hangs the second verb (conj) on the speaker itself
            if token.dep_ in ("relcl", "acl", "conj") and token.head.pos_ in ("NOUN", "PROPN", "PRON"):
                return True, token.head
            climbs = token.dep_ in ("conj", "advcl", "xcomp", "ccomp") and token.head.i != token.i
            if not climbs or (token.dep_ == "ccomp" and token.tag_ != "VBG"):
                break
            token = token.head
        return False, None

    def _participle_subject(self, verb: Token, sentence: Span) -> Token | None:
        """ "Insisting that ..., the minister acknowledged ...": a leading
        participle shares the subject of another cue in its sentence."""
        if verb.tag_ != "VBG":
            return None
        for other in sentence:
            if other.i != verb.i and cue_of(other) is not None and not self.in_quote(other):
                subject = next((c for c in other.children if c.dep_ in ("nsubj",)), None)
                if subject is not None:
                    return subject
                if other.dep_ in ("relcl", "acl") and other.head.pos_ in ("NOUN", "PROPN"):
                    return other.head
        return None

    def _name_before_apposition(self, subject: Token, sentence: Span) -> Token | None:
        """ "Ledgerly, the cloud bookkeeping service used by ..., dismissed":
        the parser made the apposition the subject and left the name aside."""
        first = sentence[0]
        if (
            subject.left_edge.i == first.i + 2
            and first.nbor(1).text == ","
            and (self.is_name(first) or first.ent_type_ in ("PERSON", "ORG", "GPE", "NORP"))
        ):
            return mention_span(first).root if first.ent_type_ else first
        return None

    def _opening_mention(self, verb: Token, sentence: Span) -> Token | None:
        """When the parse gives a finite cue no subject but nothing verbal
        stands between the sentence start and the cue ("Amir Saeid Iravani,
        Iran's ambassador to the UN, repeated ..."), the sentence's first
        name or pronoun is the speaker."""
        if verb.tag_ not in ("VBD", "VBZ", "VBP", "VBN") or verb.i == sentence.start:
            return None
        before = [t for t in sentence[: verb.i - sentence.start] if not self.in_quote(t)]
        if not before or any(t.pos_ in ("VERB", "AUX") for t in before):
            return None
        for token in before:
            if token.i == sentence.start and token.pos_ in ("ADV", "ADJ") and self.is_name(token):
                return token  # "Ledgerly on Wednesday confirmed ...": an unknown name tagged an adverb
            if token.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or token.pos_ == "PRON":
                ent = mention_span(token)
                return ent.root if ent.root.i < verb.i else token
            if token.pos_ == "NOUN":
                return token
        return None

    def content_of(self, verb: Token, cue: Cue, sentence: Span, speaker: Token) -> Content | None:
        """What the cue's speaker said: a quotation beside the cue, else the
        first of the cue's frames that the parse fills."""
        adjacent = self.adjacent_quotes(verb, sentence, speaker)
        if adjacent:
            return [(q.start, q.end) for q in adjacent], adjacent, "quote"
        if cue.frames == {"quote"}:
            return None
        children = list(verb.children)
        frames = (self._clause_content, self._verb_frame_content, self._called_content, self._object_content)
        for frame in (self._plea_content, *frames) if "plea" in cue.frames else frames:
            found = frame(verb, cue, sentence, speaker, children)
            if found is NO_CONTENT:
                return None
            if found is not None:
                return found
        return None

    def _clause_content(
        self, verb: Token, cue: Cue, sentence: Span, speaker: Token, children: list[Token]
    ) -> Content | None:
        # a clausal complement: "said (that) ...", "told reporters (that) ...";
        # a verbal one after the cue first (a dateline like "OTTAWA —" is
        # parsed as a complement too)
        clauses = [c for c in children if c.dep_ == "ccomp" and c.i != speaker.i]
        clauses.sort(key=lambda c: (c.pos_ not in ("VERB", "AUX"), c.i < verb.i))
        clause = clauses[0] if clauses else None
        if clause is None and "that" in cue.frames:
            clause = self._that_clause_after(verb, sentence)
        if clause is not None:
            span = _after_leading_time(clause, verb, _subtree_span(clause, stop_at=verb))
            return (*self._span_with_quotes(span), "that")
        if verb.dep_ == "parataxis" and "that" in cue.frames and not self.in_quote(verb.head):
            # "It is on the mayor's watch, Lind said, that ...": the sentence
            # around the parenthetical cue is the content
            return (*self._span_with_quotes(_without(verb.head, verb)), "that")
        # a that-clause on a claim-noun object: "dismissed claims that its
        # database had been stolen", "confirmed reports that ..."
        claimed = self._claim_object_clause(children, speaker)
        if claimed is not None:
            return (*self._span_with_quotes(_subtree_span(claimed)), "that")
        return None

    def _verb_frame_content(
        self, verb: Token, cue: Cue, sentence: Span, speaker: Token, children: list[Token]
    ) -> Content | None:
        """A to-infinitive ("promised to resign") or a gerund ("denied taking")."""
        if "to" in cue.frames and cue.speech_act in TO_FRAME_ACTS:
            infinitive = next(
                (c for c in children if c.dep_ == "xcomp" and any(a.lower_ == "to" for a in c.children)), None
            )
            if infinitive is not None:
                return (*self._span_with_quotes(_subtree_span(infinitive)), "to")
        if "gerund" in cue.frames:
            gerund = next((c for c in children if c.dep_ in ("xcomp", "dobj", "pcomp") and c.tag_ == "VBG"), None)
            if gerund is not None:
                return (*self._span_with_quotes(_subtree_span(gerund)), "gerund")
        return None

    def _called_content(
        self, verb: Token, cue: Cue, sentence: Span, speaker: Token, children: list[Token]
    ) -> Content | None:
        """ "called the report 'absolutely false'", "called the claims lies"."""
        if "call" not in cue.frames:
            return None
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            return NO_CONTENT  # "a group called the We The People Foundation": naming, not saying
        # the object may be parsed as dobj or, before a predicate, as oprd
        obj = next((c for c in children if c.dep_ in ("dobj", "oprd") and c.pos_ in ("NOUN", "PROPN", "PRON")), None)
        complement = next((c for c in children if c.dep_ in ("oprd", "xcomp", "acomp", "ccomp") and c is not obj), None)
        quoted = self._quote_after(
            obj if obj is not None else verb,
            sentence,
            reach=(obj.right_edge.i - obj.i + 3) if obj is not None else 3,
        )
        if quoted is not None:
            start = obj.left_edge.idx if obj is not None else quoted.start
            return [(start, quoted.end)], [quoted], "call"
        if obj is not None and complement is not None:
            return (*self._span_with_quotes(_subtree_span(complement)), "call")
        return None

    def _plea_content(
        self, verb: Token, cue: Cue, sentence: Span, speaker: Token, children: list[Token]
    ) -> Content | None:
        """ "pleaded not guilty to charges that he ...": the charges the plea answers."""
        heads = [verb, *(c for c in children if c.dep_ in ("acomp", "oprd", "advmod"))]
        to = next((c for h in heads for c in h.children if c.dep_ == "prep" and c.lower_ == "to"), None)
        charged = _object_of(to) if to is not None else None
        if charged is None:
            return NO_CONTENT  # "pleaded guilty" alone: no content to hold it to
        return (*self._span_with_quotes(_subtree_span(charged)), "plea")

    def _object_content(
        self, verb: Token, cue: Cue, sentence: Span, speaker: Token, children: list[Token]
    ) -> Content | None:
        """ "denied the allegations", "confirmed the deal": the object is the content."""
        if "object" not in cue.frames or cue.speech_act not in OBJECT_FRAME_ACTS:
            return None
        obj = next((c for c in children if c.dep_ == "dobj"), None)
        if obj is not None and obj.pos_ in ("NOUN", "PROPN") and obj.i != speaker.i:
            if cue.speech_act == "deny" and obj.lemma_.lower() not in claim_nouns():
                return NO_CONTENT  # "denied a request": refusing, not contesting a claim
            return (*self._span_with_quotes(_subtree_span(obj)), "object")
        if obj is None:
            phrase = self._phrase_after(verb, sentence)
            if phrase is not None:
                return (*self._span_with_quotes(phrase), "object")
        return None

    @staticmethod
    def _claim_object_clause(children: list[Token], speaker: Token) -> Token | None:
        """The that-clause of a claim noun the cue takes as its object
        ("claims that ...", "the reports that ..."), even on "on a hacker forum"."""
        obj = next((c for c in children if c.dep_ == "dobj" and c.i != speaker.i), None)
        if obj is None or obj.lemma_.lower() not in claim_nouns():
            return None
        return _that_clause_of(obj)

    def _phrase_after(self, verb: Token, sentence: Span) -> CharSpan | None:
        """The noun phrase right after a cue the parser left without an
        object ("repeated Iran's position of neutrality in the conflict
        earlier this week"), up to a comma, a clause, or a date."""
        tokens = []
        for token in sentence[verb.i - sentence.start + 1 :]:
            if token.is_punct or token.ent_type_ in ("DATE", "TIME") or token.pos_ in ("VERB", "AUX", "CCONJ", "SCONJ"):
                break
            tokens.append(token)
        if not tokens or not any(t.pos_ in ("NOUN", "PROPN") for t in tokens):
            return None
        return (tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))

    def _heads_content(self, verb: Token, statement: FoundStatement) -> bool:
        """Whether `verb` is the head of another statement's content clause."""
        for s, e in statement.content:
            if s <= verb.idx < e:
                span = self.doc.char_span(s, e, alignment_mode="expand")
                return span is not None and span.root.i == verb.i
        return False

    def _that_clause_after(self, verb: Token, sentence: Span) -> Token | None:
        """A "that" just after the cue (perhaps after "on Saturday" or an
        object) whose clause the parser hung elsewhere."""
        for token in sentence[verb.i - sentence.start + 1 :]:
            if token.lower_ == "that" and token.dep_ == "mark":
                return token.head
            if token.pos_ in ("VERB", "AUX") or token.is_punct or token.i - verb.i > 6:
                return None
        return None

    def _quote_after(self, token: Token, sentence: Span, reach: int = 3) -> Quote | None:
        """The first quotation starting within `reach` tokens after `token`."""
        for nxt in self.doc[token.i + 1 : min(token.i + 1 + reach, sentence.end + 1)]:
            i = self.quote_at(nxt.idx)
            if i is not None and i not in self._taken_quotes:
                return self.quotes[i]
        return None

    def adjacent_quotes(self, verb: Token, sentence: Span, speaker: Token) -> list[Quote]:
        """Quotations this cue attributes: ending just before the speaker and
        cue ('"...," X said'), starting just after them ('X said: "..."'), or
        both ('"...," X said, "..."'). Short fragments do not count."""
        region = [verb, speaker] + [c for c in verb.children if c.dep_ in ("dobj", "dative", "npadvmod", "prep")]
        left = min(t.left_edge.i if t is speaker else t.i for t in region)
        right = max(t.i for t in region)
        found = [q for q in (self._quote_ending_before(left, sentence),) if q is not None]
        after = self._quote_starting_after(right, bool(found))
        if after is not None:
            found.append(after)
        # a quotation that runs over several paragraphs belongs to the cue as a whole
        extended = []
        for quote in found:
            extended.append(quote)
            index = self.quotes.index(quote)
            while self.quotes[index].continues and index + 1 < len(self.quotes):
                index += 1
                extended.append(self.quotes[index])
        return sorted(set(extended), key=lambda q: q.start)

    def _quote_ending_before(self, left: int, sentence: Span) -> Quote | None:
        """A free quotation closing just before token `left`, over punctuation only."""
        i = left - 1
        while i >= sentence.start - 1 and i >= 0 and left - i <= 4 and (self.doc[i].is_punct or self.doc[i].is_space):
            q = self.quote_at(self.doc[i].idx)
            if q is not None:
                free = q not in self._taken_quotes and self.quote_words(self.quotes[q]) >= 2
                return self.quotes[q] if free else None
            i -= 1
        return None

    def _quote_starting_after(self, right: int, continuing: bool) -> Quote | None:
        """A free quotation opening just after token `right`, over , : and
        similar (any length when it `continuing` one before the cue)."""
        i = right + 1
        limit = min(len(self.doc), right + self.settings.max_cue_distance)
        while i < limit:
            token = self.doc[i]
            q = self.quote_at(token.idx)
            if q is not None:
                introduced = (
                    continuing
                    or self.text[self.doc[i - 1].idx : token.idx].strip(" ,:\u2014-") == ""
                    or self.doc[i - 1].text in (":", ",")
                )
                long_enough = self.quote_words(self.quotes[q]) >= self.settings.min_quote_words or continuing
                return self.quotes[q] if q not in self._taken_quotes and introduced and long_enough else None
            if not (token.is_punct or token.is_space) or token.text in (".", "!", "?"):
                # only punctuation may stand between a cue and the quotation it introduces
                if token.text not in (":", ",", "\u2014", "-"):
                    return None
            i += 1
        return None

    def _span_with_quotes(self, span: CharSpan) -> tuple[list[CharSpan], list[Quote]]:
        quotes = [q for q in self.quotes if q.start < span[1] and span[0] < q.end]
        # a quotation the clause cuts into is taken whole
        start = min([span[0]] + [q.start for q in quotes])
        end = max([span[1]] + [q.end for q in quotes])
        return [(start, end)], quotes

    def kind_of(self, spans: list[CharSpan], quotes: list[Quote]) -> StatementKind:
        if not quotes:
            return StatementKind.INDIRECT
        outside = "".join(self.text[s:e] for s, e in spans)
        for q in quotes:
            outside = outside.replace(self.text[q.start : q.end], "")
        if re.search(r"\w", outside):
            return StatementKind.MIXED
        return StatementKind.DIRECT

    def _according_to(self, according: Token, sentence: Span) -> None:
        to = self.doc[according.i + 1]
        source = next((c for c in to.children if c.dep_ == "pobj"), None)
        if source is None:
            source = next((c for c in according.children if c.dep_ == "pobj"), None)
        if source is None:
            return
        phrase_start = according.idx
        phrase_end = max(t.idx + len(t.text) for t in source.subtree)
        before = self.text[sentence.start_char : phrase_start].rstrip(" ,")
        after = self.text[phrase_end : sentence.end_char].lstrip(" ,").rstrip()
        spans = []
        if re.search(r"\w", before):
            spans.append((sentence.start_char, sentence.start_char + len(before)))
        if re.search(r"\w", after):
            a = self.text.index(after, phrase_end)
            spans.append((a, a + len(after.rstrip("."))))
        if not spans:
            return
        hull = (spans[0][0], spans[-1][1]) if len(spans) == 1 else None
        spans_out, quotes = self._span_with_quotes(hull) if hull else (spans, [])
        statement = FoundStatement(
            content=spans_out,
            kind=self.kind_of(spans_out, quotes),
            cue=cue_lexicon()["according_to"],
            cue_span=(according.idx, to.idx + len(to.text)),
            speaker=mention_span(source),
            quotes=quotes,
            frame="according",
        )
        self._add(statement, according)

    # -- pass 2: quotations -------------------------------------------------------

    def _quotation_pass(self) -> None:
        """Quotations no cue took: attributed by a cue or colon near them, or
        continuing the statement before them, or floating (the person the
        article is talking about, resolved later)."""
        previous: FoundStatement | None = None
        by_start = sorted(self.found, key=lambda f: f.start)
        for index, quote in enumerate(self.quotes):
            # the latest statement before this quotation
            before = [f for f in by_start if f.start < quote.start]
            if before:
                previous = before[-1]
            if index in self._taken_quotes or quote.single:
                continue
            opens_paragraph = quote.start == self.paragraph_start(quote.start)
            if self.quote_words(quote) < self.settings.min_quote_words and not opens_paragraph:
                continue
            if self._in_turn(quote.start):
                continue  # a quotation inside a transcript turn is the speaker's own words
            statement = (
                self._attribute_by_cue(quote)
                or self._attribute_by_colon(quote)
                or self._attribute_by_dash(quote)
                or self._unattributed(index, quote, previous, opens_paragraph)
            )
            if statement is not None:
                self._add(statement)
                by_start = sorted(self.found, key=lambda f: f.start)
                previous = statement

    def _unattributed(
        self, index: int, quote: Quote, previous: FoundStatement | None, opens_paragraph: bool
    ) -> FoundStatement | None:
        """A quotation with no cue of its own: a continuation of the statement
        just before it, or floating when it opens a paragraph far from any."""
        floating = FoundStatement(
            content=[(quote.start, quote.end)], kind=StatementKind.CONTINUATION, quotes=[quote], frame="floating"
        )
        if previous is None:
            # a quotation standing alone with nobody quoted before it
            return floating if opens_paragraph and self._is_sentence(quote) else None
        continued = index > 0 and self.quotes[index - 1].continues
        same_paragraph = previous.paragraph_index == self.paragraph_index(quote.start)
        near = self.paragraph_index(quote.start) - previous.paragraph_index <= 2
        if not (near or continued or same_paragraph) and opens_paragraph and self._is_sentence(quote):
            return floating
        if (opens_paragraph and near) or continued or same_paragraph:
            return FoundStatement(
                content=[(quote.start, quote.end)],
                kind=StatementKind.CONTINUATION,
                continues=previous.continues or previous,
                quotes=[quote],
                frame="continuation",
            )
        return None

    def _is_sentence(self, quote: Quote) -> bool:
        """A quotation that is a full sentence of speech (a verb, several words),
        not a title or a slogan."""
        span = self.doc.char_span(quote.start, quote.end, alignment_mode="expand")
        return (
            span is not None
            and self.quote_words(quote) >= self.settings.min_quote_words
            and any(t.pos_ in ("VERB", "AUX") for t in span)
        )

    def _attribute_by_cue(self, quote: Quote) -> FoundStatement | None:
        """A cue with a speaker in the words right after the quotation (the
        parser often cuts '"A. B," he said' so that the cue misses A), or in
        the sentence that introduces it."""
        after = self.doc.char_span(quote.end, min(len(self.text), quote.end + 120), alignment_mode="expand")
        candidates: list[Token] = []
        if after is not None:
            for token in after[: self.settings.max_cue_distance]:
                # a quotation that ends its paragraph is never said by the next one's
                # subject ("... to decide." / "People won't believe it")
                if token.text in (".", "!", "?") or self.in_quote(token) or "\n" in token.text:
                    break
                candidates.append(token)
        # before: the end of the text leading up to the quotation ("X said:")
        lead = self.text[max(0, quote.start - 200) : quote.start].rstrip()
        if lead.endswith((":", ",")):
            span = self.doc.char_span(max(0, quote.start - 200), quote.start, alignment_mode="expand")
            if span is not None:
                sentence = self.doc[span.end - 1].sent if span.end > 0 else None
                if sentence is not None:
                    candidates.extend(t for t in sentence if t.i < span.end and not self.in_quote(t))
        for token in candidates:
            cue = cue_of(token)
            if cue is None or token.i in self._taken_cues:
                continue
            speaker = self.speaker_of(token, token.sent)
            if speaker is None or self.in_quote(speaker) or not can_speak(speaker):
                continue
            quotes = [quote]
            index = self.quotes.index(quote)
            while self.quotes[index].continues and index + 1 < len(self.quotes):
                index += 1
                quotes.append(self.quotes[index])
            return FoundStatement(
                content=[(q.start, q.end) for q in quotes],
                kind=StatementKind.DIRECT,
                cue=cue,
                cue_span=(token.idx, token.idx + len(token.text)),
                speaker=mention_span(speaker),
                quotes=quotes,
                frame="quote",
            )
        return None

    def _attribute_by_colon(self, quote: Quote) -> FoundStatement | None:
        """'Guterres: "..."' or a name alone before a colon."""
        lead_start = self.paragraph_start(quote.start)
        lead = self.text[lead_start : quote.start]
        if not lead.rstrip().endswith(":") or len(lead) > 80:
            return None
        span = self.doc.char_span(lead_start, lead_start + len(lead.rstrip().rstrip(":")), alignment_mode="contract")
        if span is None or not any(t.ent_type_ in ("PERSON", "ORG", "NORP", "GPE") or t.pos_ == "PROPN" for t in span):
            return None
        if any(t.pos_ in ("VERB", "AUX") for t in span):
            return None
        colon = self.text.rindex(":", lead_start, quote.start)
        return FoundStatement(
            content=[(quote.start, quote.end)],
            kind=StatementKind.DIRECT,
            cue=None,
            cue_span=(colon, colon + 1),
            speaker=span,
            quotes=[quote],
            frame="colon",
        )

    def _attribute_by_dash(self, quote: Quote) -> FoundStatement | None:
        """'"We will rebuild." ― Mayor Anna Berg': a quotation signed by a
        dash and a name after it (epigraphs, pull quotes, social posts)."""
        match = DASH_SIGNATURE.match(self.text, quote.end)
        if match is None:
            return None
        end = match.end("name")
        if self.text[end - 1] == "." and len(match.group("name").split()[-1]) > 2:
            end -= 1  # the signature's full stop, not an initial's ("Edwin G. Monroy")
        span = self.doc.char_span(match.start("name"), end, alignment_mode="contract")
        if span is None or not any(t.ent_type_ in ("PERSON", "ORG", "NORP") or t.pos_ == "PROPN" for t in span):
            return None
        if any(t.pos_ in ("VERB", "AUX") for t in span):
            return None  # a sentence goes on after the dash: not a signature
        dash = match.start("dash")
        return FoundStatement(
            content=[(quote.start, quote.end)],
            kind=StatementKind.DIRECT,
            cue_span=(dash, dash + len(match.group("dash"))),
            speaker=span,
            quotes=[quote],
            frame="dash",
        )


# A transcript's speaker label: a paragraph opened by words in capitals (a
# title with its full stop, initials, apostrophes and hyphens allowed) and a
# colon: "RAMOS:", "SEN. TED CRUZ:", "O'ROURKE:".
TRANSCRIPT_LABEL = re.compile(r"[ \t]*(?P<label>[A-Z][A-Z.'’\-]*(?:[ ][A-Z][A-Z.'’\-]*){0,3}):[ \t]+(?=\S)")
NOT_SPEAKER_LABELS = lexicons.words("onrecord.nlp", "not_speaker_labels.txt")
EVIDENCE_VERBS = lexicons.words("onrecord.nlp", "evidence_verbs.txt")
# A quotation's signature: a dash and a name that ends the line, or comes
# before the next quotation (a list of signed quotations whose lines the
# reader joined), with an optional role after a comma ("― Anna Berg, the mayor").
DASH_SIGNATURE = re.compile(
    r"[^\S\n]*(?P<dash>―|—|–|--)[^\S\n]*(?P<name>[A-Z][\w.'’\-]*(?:[ ][A-Z][\w.'’\-]*){0,3})"
    r"(?=[^\S\n]*(?:,|\n|$|[\"“«]))"
)

# Documents and data that speak for whoever made them ("the report says").
DOCUMENT_NOUNS = lexicons.words("onrecord.nlp", "document_nouns.txt")
# Words that open a sentence as its subject without naming anyone ("Many said").
QUANTIFIERS = {"many", "most", "some", "few", "several", "both", "all", "each", "others", "more", "fewer", "such"}
NOT_SPEAKERS = {
    "that",
    "which",
    "what",
    "this",
    "these",
    "those",
    "there",
    "who",
    "whom",
    "something",
    "nothing",
    "anything",
}


def _purpose_infinitive(verb: Token) -> bool:
    """A verb of evidence as a to-infinitive of purpose or of a noun
    ("numbers to show how many"), not the complement of another verb
    ("refused to confirm whether")."""
    return (
        verb.lemma_.lower() in EVIDENCE_VERBS
        and verb.dep_ in ("advcl", "acl", "relcl")
        and any(c.dep_ == "aux" and c.lower_ == "to" for c in verb.children)
    )


def _nominal_speaker(noun: Token) -> Token | None:
    """Who made the claim, denial or warning: its owner ("X's denial"), its
    "by" ("a warning by X"), or the subject of a verb it is the object of
    ("X made claims")."""
    speaker = next((c for c in noun.children if c.dep_ == "poss"), None)
    if speaker is None:
        by = next((c for c in noun.children if c.dep_ == "prep" and c.lower_ == "by"), None)
        speaker = _object_of(by) if by is not None else None
    if speaker is None and noun.dep_ in ("dobj", "attr"):
        speaker = next((c for c in noun.head.children if c.dep_ == "nsubj"), None)
    return speaker


def _object_of(preposition: Token) -> Token | None:
    return next((c for c in preposition.children if c.dep_ == "pobj"), None)


def _speaker_from_subject(token: Token, verb: Token, subject: Token, agent: Token | None) -> Token | None:
    """Who speaks, given the subject of the cue (or of the verb it hangs on)."""
    if subject.dep_ == "nsubjpass":
        # "X was urged by Y to ...": Y speaks; "it was said that": nobody
        # named; "X was quoted as saying": X speaks
        if token.lemma_ in ("quote", "report", "cite") and token is not verb:
            return subject  # "X was quoted (by local media) as saying ..."
        return _object_of(agent) if agent is not None else None
    if subject.lower_ in ("that", "which", "who") and token.dep_ == "relcl":
        return token.head
    named = next((c for c in subject.children if c.dep_ == "appos" and c.pos_ == "PROPN"), None)
    if subject.pos_ == "NOUN" and named is not None:
        return named  # "Spindler's father, Joseph, says": Joseph speaks
    return subject


@lru_cache(maxsize=1)
def claim_nouns() -> frozenset[str]:
    return lexicons.words("onrecord.nlp", "claim_nouns.txt")


def can_speak(token: Token, any_noun: bool = False, documents: bool = False) -> bool:
    """Whether a word can name someone who says something: a name, a
    pronoun, or a noun for a person, group or organisation ("officials",
    "the ministry"), not "drones slamming into ...". With `any_noun`, every
    noun passes (a direct quotation vouches for its speaker: "..., says the
    bearded newcomer"); with `documents`, so do the nouns for documents
    and data that speak for someone ("the most recent numbers show that")."""
    if token.lower_ in ("those", "these") and any(
        c.dep_ in ("amod", "relcl", "acl") and cue_of(c) is None for c in token.children
    ):
        return True  # "those close to him", "those who attended": people, described
    if token.lower_ in NOT_SPEAKERS:
        return False
    if token.pos_ == "PRON" or token.pos_ == "PROPN":
        return True
    if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
        return True
    if token.pos_ != "NOUN":
        return False
    return any_noun or is_role_noun(token.lemma_) or (documents and token.lemma_.lower() in DOCUMENT_NOUNS)


def _that_clause_of(noun: Token) -> Token | None:
    """A noun's that-clause ("claims that ...", "the report that ..."),
    also when the parser hangs it on the noun's prepositional phrase."""
    candidates = list(noun.children) + [
        g for c in noun.children if c.dep_ == "prep" for p in c.children if p.dep_ == "pobj" for g in p.children
    ]
    for child in candidates:
        if child.dep_ in ("acl", "ccomp", "relcl") and any(
            g.lower_ == "that" and g.dep_ == "mark" for g in child.children
        ):
            return child
    return None


def _subtree_span(token: Token, stop_at: Token | None = None) -> CharSpan:
    """Characters of a token's subtree, without edge punctuation; when the
    subtree contains `stop_at` (a parser attaching the cue inside its own
    complement), only the part after it."""
    left, right = token.left_edge, token.right_edge
    if stop_at is not None and left.i <= stop_at.i <= right.i:
        left = token.doc[stop_at.i + 1] if stop_at.i < token.i else left
        right = right if stop_at.i < token.i else token.doc[stop_at.i - 1]
    doc = token.doc
    while left.i < right.i and (left.is_punct or left.is_space) and left.text not in ALL_QUOTE_MARKS:
        left = doc[left.i + 1]
    while right.i > left.i and (right.is_punct or right.is_space) and right.text not in ALL_QUOTE_MARKS:
        right = doc[right.i - 1]
    return (left.idx, right.idx + len(right.text))


# First words of a time phrase that, right after a cue, date the saying:
# "said on Tuesday it ...", "said last week it ...", "said yesterday it ...".
SAYING_TIME_OPENERS = {"in", "on", "at", "during", "last", "this", "earlier", "yesterday", "today"}


def _after_leading_time(clause: Token, verb: Token, span: CharSpan) -> CharSpan:
    """A complement without the time phrase the parser hung on it from the
    cue: in "said in March it would not raise fees", "in March" dates the
    saying (it stands between the cue and the clause's subject, with no
    "that" before it), not the raising."""
    subject = next((c for c in clause.children if c.dep_ in ("nsubj", "nsubjpass", "expl")), None)
    if subject is None or subject.i < verb.i:
        return span
    for child in clause.lefts:
        if child.i < verb.i or child.dep_ not in ("prep", "npadvmod", "advmod") or child.left_edge.i != verb.i + 1:
            continue
        if child.left_edge.lower_ not in SAYING_TIME_OPENERS:
            continue  # "said each day he learns ...": a habit of the clause, not the day of the saying
        if child.right_edge.i < subject.left_edge.i and any(t.ent_type_ in ("DATE", "TIME") for t in child.subtree):
            start = child.doc[child.right_edge.i + 1]
            while start.i < subject.left_edge.i and (start.is_punct or start.is_space):
                start = start.doc[start.i + 1]
            return (start.idx, span[1])
    return span


def _without(head: Token, inner: Token) -> CharSpan:
    """The characters of `head`'s clause, from its first to its last word,
    leaving out a parenthetical cue at either end."""
    tokens = [t for t in head.subtree if not (inner.left_edge.i <= t.i <= inner.right_edge.i)]
    tokens = [t for t in tokens if not (t.is_punct or t.is_space)]
    if not tokens:
        return (head.idx, head.idx)
    return (tokens[0].idx, tokens[-1].idx + len(tokens[-1].text))


def _entity_around(token: Token) -> Span:
    """The named entity a token is part of, by the tokens' IOB tags (doc.ents
    builds every entity's span anew on each access)."""
    doc = token.doc
    start, end = token.i, token.i + 1
    while doc[start].ent_iob_ == "I" and start > 0:
        start -= 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return Span(doc, start, end, label=token.ent_type_)


def _pronoun_phrase(token: Token) -> Span:
    """A pronoun, with its description for "those close to him" (not a
    relative clause that says something: "those who say ..." is the
    statement's own cue)."""
    doc = token.doc
    described = [c for c in token.rights if c.dep_ in ("amod", "relcl", "acl") and cue_of(c) is None]
    if token.lower_ in ("those", "these") and described and described[-1].right_edge.i - token.i <= 8:
        return doc[token.i : described[-1].right_edge.i + 1]
    return doc[token.i : token.i + 1]


def _describing_phrase_end(token: Token, child: Token) -> int:
    """Where an adjective or participle phrase just after a noun that
    describes who it is ends ("a person familiar with the talks", "an
    official briefed on it", not a trailing "but"); the noun's own index if
    `child` is no such phrase."""
    doc = token.doc
    if not (
        token.pos_ == "NOUN"
        and token.lemma_.lower() not in DOCUMENT_NOUNS  # "a statement claiming responsibility" says what, not who
        and child.dep_ in ("amod", "acl")
        and child.i == token.i + 1
        and child.right_edge.i - token.i <= 8
        and not any(t.text in ALL_QUOTE_MARKS or t.text == "," for t in doc[token.i : child.right_edge.i + 1])
    ):
        return token.i
    end = child.right_edge.i
    while end > child.i and (doc[end].dep_ in ("cc", "punct") or doc[end].is_punct):
        end -= 1
    return end


def mention_span(token: Token) -> Span:
    """The words that name a speaker: the whole named entity, or a noun with
    its determiners and modifiers ("Iran's foreign minister", "Some residents")."""
    doc = token.doc
    if token.ent_type_ in ("PERSON", "ORG", "GPE", "NORP", "FAC"):
        return _entity_around(token)
    if token.pos_ == "PRON":
        return _pronoun_phrase(token)
    left = token.i
    for child in token.lefts:
        if (
            child.dep_ in ("det", "poss", "amod", "compound", "nummod", "nmod", "quantmod", "case")
            or child.pos_ == "PROPN"
        ):
            left = min(left, child.left_edge.i)
    right = token.i
    for child in token.rights:
        if child.dep_ in ("compound", "flat") or (child.pos_ == "PROPN" and child.dep_ != "appos"):
            right = max(right, child.i)
        elif (
            token.pos_ == "NOUN" and child.dep_ == "prep" and child.lower_ == "of" and child.right_edge.i - token.i <= 6
        ):
            right = max(right, child.right_edge.i)  # "another member of the public"
        else:
            right = max(right, _describing_phrase_end(token, child))
    while left < token.i and (doc[left].is_punct or doc[left].text in ALL_QUOTE_MARKS):
        left += 1
    return doc[left : right + 1]

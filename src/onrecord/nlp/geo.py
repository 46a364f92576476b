"""Countries by name, demonym and capital (data/countries.tsv), and the
sector a role word implies (data/roles.tsv)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from onrecord import lexicons


@dataclass(frozen=True)
class Country:
    iso3: str
    name: str  # the first name listed: "United States"


@dataclass(frozen=True)
class Gazetteer:
    by_name: dict[str, Country]  # names and abbreviations
    by_demonym: dict[str, Country]
    by_capital: dict[str, Country]
    pattern: re.Pattern[str]  # any of the above, longest first, as whole words

    def lookup(self, phrase: str) -> Country | None:
        phrase = phrase.strip()
        if phrase.lower().startswith("the "):
            phrase = phrase[4:]
        return self.by_name.get(phrase) or self.by_demonym.get(phrase) or self.by_capital.get(phrase)

    def find_all(self, text: str) -> list[tuple[int, int, Country]]:
        # (the pattern holds only known names: every match looks up)
        return [
            (m.start(), m.end(), country)
            for m in self.pattern.finditer(text)
            if (country := self.lookup(m.group())) is not None
        ]


def _read_tsv(name: str) -> list[list[str]]:
    return [list(row.fields) for row in lexicons.rows("onrecord.nlp", name)]


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    by_name: dict[str, Country] = {}
    by_demonym: dict[str, Country] = {}
    by_capital: dict[str, Country] = {}
    for row in _read_tsv("countries.tsv"):
        iso3, names, demonyms, capitals = (row + ["", "", ""])[:4]
        names_list = [n for n in names.split("|") if n]
        country = Country(iso3, names_list[0])
        for table, values in (
            (by_name, names_list),
            (by_demonym, demonyms.split("|")),
            (by_capital, capitals.split("|")),
        ):
            for value in values:
                if value:
                    table.setdefault(value, country)
    words = sorted(set(by_name) | set(by_demonym) | set(by_capital), key=len, reverse=True)
    pattern = re.compile(r"(?<![\w.])(?:" + "|".join(re.escape(w) for w in words) + r")(?![\w])")
    return Gazetteer(by_name, by_demonym, by_capital, pattern)


@lru_cache(maxsize=1)
def role_sectors() -> dict[str, str | None]:
    return {row[0]: (row[1] if row[1] != "-" else None) for row in _read_tsv("roles.tsv")}


PERSON_SUFFIXES = ("er", "or", "ist", "ian", "man", "woman", "men", "women", "person", "people")


def is_role_noun(lemma: str) -> bool:
    """Whether a common noun can name a speaker: a role, a group, an
    organisation, or a word shaped like a person noun (-er, -ist, -ian...)."""
    lemma = lemma.lower()
    return lemma in role_sectors() or (len(lemma) > 4 and lemma.endswith(PERSON_SUFFIXES))


def sector_of(lemma: str) -> str | None:
    return role_sectors().get(lemma.lower())


# A company named in a role ("general counsel of Ledgerly Inc."): a role
# with no sector of its own is a business role there.
_COMPANY = re.compile(r"\b(inc|corp|corporation|ltd|llc|plc|gmbh|company|co)\b\.?")


def sector_of_role(role: str) -> str | None:
    """The sector a written role implies: a whole title first
    ("Secretary-General" is not a general, a "union official" is labour),
    else its last role word; a role with no sector of its own takes the
    sector of a company it names."""
    lower = role.lower()
    sectors = role_sectors()
    found: str | None = None
    titles = [key for key in sectors if (" " in key or "-" in key) and re.search(rf"\b{re.escape(key)}\b", lower)]
    if titles:
        found = sectors[titles[0]]
    else:
        for word in reversed(re.findall(r"[\w-]+", lower)):
            singular = word[:-1] if word.endswith("s") and word[:-1] in sectors else word
            if singular in sectors:
                found = sectors[singular]
                break
    if found is None and _COMPANY.search(lower):
        return "BUS"
    return found

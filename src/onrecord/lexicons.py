"""The one reader of onrecord's data files: lexicons, word lists and code tables.

Every stage keeps its data in its package's `data/` folder as plain text:
one entry a line, fields separated by tabs, blank lines and lines starting
with "#" (notes, licences, sources) ignored. This module reads them all the
same way, and a line that does not have the fields its table needs is an
error naming the file and the line, not a row silently cut short.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources


class LexiconError(ValueError):
    """A data file line that cannot be read, with where and why."""


@dataclass(frozen=True)
class Row:
    """One entry of a data file: its fields (stripped) and where it is."""

    fields: tuple[str, ...]
    line: int
    source: str

    def __getitem__(self, index: int) -> str:
        return self.fields[index]

    def __len__(self) -> int:
        return len(self.fields)

    def error(self, why: str) -> LexiconError:
        return LexiconError(f"{self.source} line {self.line}: {why}")


def data_text(package: str, name: str) -> str:
    """The text of `data/NAME` in the package (`onrecord.nlp`, ...)."""
    return resources.files(package).joinpath("data", name).read_text("utf-8")


def rows(package: str, name: str, *, least: int = 1, most: int | None = None) -> list[Row]:
    """The entries of a tab-separated data file, in file order. Each has at
    least `least` fields; with `most`, a line is split into at most that
    many (the last keeps any further tabs: a phrase or a pattern)."""
    source = f"{package.removeprefix('onrecord.')}/data/{name}"
    found: list[Row] = []
    for number, line in enumerate(data_text(package, name).splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        fields = tuple(f.strip() for f in line.split("\t", most - 1 if most else -1))
        row = Row(fields, number, source)
        if len(fields) < least:
            raise row.error(f"{len(fields)} field(s) where {least} are needed: {line!r}")
        found.append(row)
    return found


def entries(package: str, name: str) -> tuple[str, ...]:
    """A one-column list (a word or phrase a line), in file order."""
    return tuple(row[0] for row in rows(package, name))


def words(package: str, name: str) -> frozenset[str]:
    """A one-column list as a set."""
    return frozenset(entries(package, name))

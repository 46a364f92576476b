"""Who an actor is across articles: one identity key for the name variants
of one person or organisation.

"Donald J. Trump", "Donald Trump", "Mr. Trump's"... and "DONALD TRUMP" are
one person; "Sen. Ted Cruz" and "Ted Cruz" too; "Hillary Rodham Clinton" and
"Hillary Clinton" (a person's first and last names, when the name has more).
"The Port Authority" and "Port Authority" are one organisation. The store
keeps one actor per type and key (store/store.py only persists it).
"""

from __future__ import annotations

import re
from functools import lru_cache

from onrecord import lexicons

# Generational suffixes, not surnames ("Martin Luther King Jr.").
NAME_SUFFIXES = {"jr", "sr", "ii", "iii", "iv"}


@lru_cache(maxsize=1)
def name_titles() -> frozenset[str]:
    return lexicons.words("onrecord.nlp", "name_titles.txt")


def actor_key(name: str, kind: str = "person") -> str:
    """The identity key of an actor's name: case, "the", possessives and
    punctuation do not count; for a person neither do titles before the
    name, middle initials and middle names."""
    words = re.findall(r"\w+(?:['’-]\w+)*", name.casefold())
    words = [re.sub(r"['’]s$", "", w) for w in words]
    if words and words[0] == "the":
        words = words[1:]
    if kind == "person":
        titles = name_titles()
        while len(words) > 1 and words[0] in titles:
            words = words[1:]
        while len(words) > 2 and words[-1] in NAME_SUFFIXES:
            words = words[:-1]
        words = [w for i, w in enumerate(words) if not (0 < i < len(words) - 1 and len(w) == 1)]  # "J."
        if len(words) > 2:
            words = [words[0], words[-1]]
    return " ".join(words)

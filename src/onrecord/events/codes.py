"""The CAMEO code table (data/cameo_codes.tsv, CC BY-SA 4.0, see its header):
names, PLOVER categories and quad classes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from onrecord import lexicons

# CAMEO's quad classes by root: verbal and material cooperation, verbal and
# material conflict.
QUAD_CLASS = {
    **{f"{r:02d}": 1 for r in range(1, 6)},
    **{f"{r:02d}": 2 for r in range(6, 9)},
    **{f"{r:02d}": 3 for r in range(9, 14)},
    **{f"{r:02d}": 4 for r in range(14, 21)},
}


@dataclass(frozen=True)
class Code:
    code: str
    name: str
    plover: str | None
    plover_score: float | None

    @property
    def root(self) -> str:
        return self.code[:2]

    @property
    def quad_class(self) -> int:
        return QUAD_CLASS[self.root]


@lru_cache(maxsize=1)
def cameo_codes() -> dict[str, Code]:
    table: dict[str, Code] = {}
    header = None
    for line in lexicons.rows("onrecord.events", "cameo_codes.tsv"):
        fields = line.fields
        if header is None:
            header = fields
            continue
        row = dict(zip(header, fields))
        score = row.get("plover_score") or ""
        table[row["code"]] = Code(
            row["code"], row["name"], row.get("plover_event") or None, float(score) if score.strip() else None
        )
    return table


def describe(code: str) -> dict[str, Any]:
    """What the code table says of a code: its name, PLOVER category and quad class."""
    known = cameo_codes().get(code)
    return {
        "name": known.name if known else None,
        "plover": known.plover if known else None,
        "quad_class": known.quad_class if known else None,
    }

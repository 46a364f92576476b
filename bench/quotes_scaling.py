"""How finding quotations grows with the marks in one paragraph.

    .venv/bin/python bench/quotes_scaling.py [N ...]

For each N, one paragraph of N double-quoted parts each followed by a
single-quoted aside (4N marks); prints the seconds `find_quotes` takes.
Linear growth is expected: a paragraph's single quotes are checked against
its double quotes by a search, not a scan.
"""

from __future__ import annotations

import sys
import time

from onrecord.nlp.quotes import find_quotes


def main(argv: list[str]) -> None:
    for n in [int(a) for a in argv] or [2000, 8000, 32000]:
        text = " ".join(f"“part {i}” and ‘aside {i}’" for i in range(n))
        started = time.perf_counter()
        found = find_quotes(text)
        print(
            f"{n:>6} pairs  {len(text):>9} characters  {len(found):>6} quotations  {time.perf_counter() - started:.3f} s"
        )


if __name__ == "__main__":
    main(sys.argv[1:])

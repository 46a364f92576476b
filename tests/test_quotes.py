"""Quotation finding (nlp/quotes.py) without the parser: single-quoted spans
inside or across a double quotation are part of it, on any mix of marks."""

import random

from onrecord.nlp.quotes import _SINGLE, _paragraph_doubles, _paragraph_singles, find_quotes


def _singles_by_definition(text, doubles):
    """Every single-quoted span that meets no double quotation: the rule
    written out plainly (one comparison per pair)."""
    kept = []
    for match in _SINGLE.finditer(text):
        s, e = match.start(), match.end()
        if any(s < q.end and q.start < e for q in doubles):
            continue
        if match.group(1) == "'" and match.group(3) != "'":
            continue
        kept.append((s, e))
    return kept


def test_single_quotes_next_to_double_ones_follow_the_rule_on_random_text():
    rng = random.Random(16)
    pieces = [
        "the",
        "minister",
        "said",
        "Iran's",
        "'no'",
        "‘drones’",
        "“we",
        "never",
        "sold”",
        '"it',
        'is"',
        "'",
        "’",
        "“",
        "”",
        '"',
        ",",
        ".",
    ]
    for _ in range(300):
        text = " ".join(rng.choice(pieces) for _ in range(rng.randint(1, 60)))
        doubles = _paragraph_doubles(text, 0, len(text), False)
        got = [(q.start, q.end) for q in _paragraph_singles(text, 0, len(text), doubles)]
        assert got == _singles_by_definition(text, doubles), text


def test_a_paragraph_of_many_quotations_is_read_whole():
    # thousands of marks in one paragraph: every quotation found, in order
    text = " ".join(f"“part {n}” and ‘aside {n}’" for n in range(3000))
    quotes = find_quotes(text)
    assert len(quotes) == 6000
    assert [q.single for q in quotes[:4]] == [False, True, False, True]

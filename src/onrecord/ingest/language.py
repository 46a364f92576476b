"""Language identification (py3langid: a small model shipped in its package)."""

from __future__ import annotations

from functools import lru_cache

# Below this many characters the identifier guesses (a headline can look
# Italian); such texts get no language rather than a wrong one. Counted in
# characters, not words, so that Chinese or Japanese text is still identified.
# Chosen by hand on short test sentences: from about 60 characters (a dozen
# English words) py3langid was right on every one tried.
MIN_CHARS = 60
# Normalised probability under which the answer is "unknown". py3langid is
# confident (> 0.99) on a paragraph of any major language; mixed or garbled
# text falls well below this.
MIN_CONFIDENCE = 0.8
SAMPLE_CHARS = 5000


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot tell."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < MIN_CHARS:
        return None
    language, confidence = _identifier().classify(sample)
    return language if confidence >= MIN_CONFIDENCE else None

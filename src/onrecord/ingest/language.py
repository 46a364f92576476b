"""Language identification (py3langid: a small model shipped in its package)."""

from __future__ import annotations

from functools import lru_cache

from onrecord.settings import DEFAULT_SETTINGS, IngestSettings

SAMPLE_CHARS = 5000  # the identifier is as sure of a page's first 5,000 characters as of the whole


@lru_cache(maxsize=1)
def _identifier():
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str, settings: IngestSettings = DEFAULT_SETTINGS.ingest) -> str | None:
    """ISO 639-1 code of the text's language, or None when it cannot tell:
    the text is too short to tell (a headline can look Italian), or the
    identifier is not sure enough (mixed or garbled text)."""
    sample = text[:SAMPLE_CHARS]
    if len(sample.strip()) < settings.language_min_chars:
        return None
    language, confidence = _identifier().classify(sample)
    return language if confidence >= settings.language_min_confidence else None

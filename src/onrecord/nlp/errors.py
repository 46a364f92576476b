"""Errors of the NLP stage that callers catch without loading spaCy."""


class ModelNotFound(RuntimeError):
    """The chosen spaCy pipeline is not installed."""

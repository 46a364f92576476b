"""The one error an input can raise: it carries a reason a person can act on."""


class IngestError(Exception):
    """An input that cannot become an article. `str()` is the one-line reason."""

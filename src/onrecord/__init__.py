"""onrecord: who said what, when, about which claim, and when they changed their story.

import onrecord
record = onrecord.analyze(text_or_html, published="2022-11-06")
with onrecord.Record("sqlite:///news.db") as rec:
    rec.ingest(["articles/"])
"""

__version__ = "0.1.0"

# Loaded on first use, so that `import onrecord` (and every CLI command that
# needs no parse) does not pay for importing spaCy and the database layer.
_EXPORTS = {
    "Analysis": "onrecord.analysis",
    "Analyzer": "onrecord.analysis",
    "analyze": "onrecord.analysis",
    "IngestOptions": "onrecord.ingest.draft",
    "IngestError": "onrecord.ingest.errors",
    "read_sources": "onrecord.ingest.sources",
    "IngestReport": "onrecord.record",
    "Record": "onrecord.record",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        import importlib

        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'onrecord' has no attribute {name!r}")


__all__ = [
    "Analysis",
    "Analyzer",
    "IngestError",
    "IngestOptions",
    "IngestReport",
    "Record",
    "__version__",
    "analyze",
    "read_sources",
]

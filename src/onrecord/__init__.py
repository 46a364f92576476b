"""onrecord: who said what, when, about which claim, and when they changed their story.

    import onrecord
    record = onrecord.analyze(text_or_html, published="2022-11-06")
    with onrecord.Record("sqlite:///news.db") as rec:
        rec.ingest(["articles/"])
"""

__version__ = "0.1.0"

from onrecord.analysis import Analysis, Analyzer, analyze  # noqa: E402
from onrecord.ingest.draft import IngestOptions  # noqa: E402
from onrecord.ingest.errors import IngestError  # noqa: E402
from onrecord.ingest.sources import read_sources  # noqa: E402
from onrecord.record import IngestReport, Record  # noqa: E402

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

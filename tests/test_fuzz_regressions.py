"""Inputs the fuzzer (fuzz/fuzz_inputs.py) found, replayed: each must end
as articles and failures, never an exception. Files are named TARGET-*.bin."""

from __future__ import annotations

import importlib.util
from pathlib import Path

HERE = Path(__file__).parent / "fuzz_regressions"
FUZZ = Path(__file__).parent.parent / "fuzz" / "fuzz_inputs.py"


def _harness():
    # the harness's replay functions (atheris is only imported to fuzz)
    spec = importlib.util.spec_from_file_location("fuzz_inputs", FUZZ)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_fuzz_regressions():
    """Every kept input, replayed (the runs are recorded in docs/benchmarks.md)."""
    harness = _harness()
    for path in sorted(HERE.glob("*.bin")):
        data = path.read_bytes()
        if path.name.startswith("analysis-"):
            harness.replay_analysis(data)
        else:
            harness.replay_reader(data)


def test_the_harness_replays_a_seed_input():
    harness = _harness()
    # kind 1 (HTML), not gzipped: a small page
    items = harness.replay_reader(bytes([1]) + b"<html><body><p>" + b"The minister said it was false. " * 20 + b"</p>")
    assert items and all(type(i).__name__ in ("Article", "Failure") for i in items)

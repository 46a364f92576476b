"""The code's shape, held to issue 16's bound: no function in src/ (outside the
migrations) over 80 lines or over cyclomatic complexity 25, as radon counts it
(bench/code_shape.py prints the longest and most branching)."""

import importlib.util
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench" / "code_shape.py"


def _code_shape():
    spec = importlib.util.spec_from_file_location("code_shape", BENCH)
    module = importlib.util.module_from_spec(spec)
    sys.modules["code_shape"] = module
    spec.loader.exec_module(module)
    return module


def test_no_function_is_over_80_lines_or_over_complexity_25():
    shape = _code_shape()
    found = shape.functions()
    assert len(found) > 500  # every module was read
    over = [f for f in found if f[2] > shape.MAX_LINES or f[3] > shape.MAX_COMPLEXITY]
    assert over == [], "\n".join(f"{path}:{name} {lines} lines, complexity {cc}" for path, name, lines, cc in over)


def test_the_measure_sees_a_long_branching_function(tmp_path, monkeypatch):
    # a bug in the counting (a class's methods skipped, lines not found) would pass the test above
    shape = _code_shape()
    package = tmp_path / "src" / "onrecord"
    package.mkdir(parents=True)
    lines = ["class Thing:", "    def method(self, x):", "        y = 0"]
    for i in range(30):
        lines += [f"        if x == {i}:", f"            y = {i}"]
    (package / "big.py").write_text("\n".join([*lines, "        return y", ""]))
    monkeypatch.setattr(shape, "ROOT", tmp_path)
    monkeypatch.setattr(shape, "SOURCE", package)
    [(path, name, lines, complexity)] = shape.functions()
    assert name == "Thing.method" and lines > 60 and complexity == 31

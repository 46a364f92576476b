"""The longest and most branching functions of src/onrecord (migrations left
out): lines from `def` to the last line, and cyclomatic complexity as radon
counts it. Issue 16's bound: no function over 80 lines or over complexity 25
(tests/test_code_shape.py holds the code to it).

    .venv/bin/python bench/code_shape.py [TOP]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

from radon.complexity import cc_visit

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "onrecord"
MAX_LINES = 80
MAX_COMPLEXITY = 25


def functions() -> list[tuple[str, str, int, int]]:
    """(file, qualified name, lines, complexity) of every function and method."""
    found: dict[tuple[str, str, int], tuple[str, str, int, int]] = {}
    for path in sorted(SOURCE.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        text = path.read_text("utf-8")
        lines: dict[tuple[int, str], int] = {}
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                lines[(node.lineno, node.name)] = (node.end_lineno or node.lineno) - node.lineno + 1
        blocks = cc_visit(text)
        todo = list(blocks)
        while todo:
            block = todo.pop()
            todo.extend(getattr(block, "methods", []) + getattr(block, "closures", []))
            if not hasattr(block, "is_method"):
                continue  # a class
            name = f"{block.classname}.{block.name}" if block.classname else block.name
            size = lines.get((block.lineno, block.name), 0)
            where = str(path.relative_to(ROOT))
            found[(where, name, block.lineno)] = (where, name, size, block.complexity)
    return list(found.values())


def main() -> None:
    top = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    found = functions()
    print(f"{len(found)} functions; bound: {MAX_LINES} lines, complexity {MAX_COMPLEXITY}\n")
    print("longest:")
    for path, name, size, complexity in sorted(found, key=lambda f: -f[2])[:top]:
        print(f"  {size:4d} lines  cc {complexity:3d}  {path}:{name}")
    print("most branching:")
    for path, name, size, complexity in sorted(found, key=lambda f: -f[3])[:top]:
        print(f"  cc {complexity:3d}  {size:4d} lines  {path}:{name}")
    over = [f for f in found if f[2] > MAX_LINES or f[3] > MAX_COMPLEXITY]
    print(f"\nover the bound: {len(over)}")


if __name__ == "__main__":
    main()

"""trt_local.core stays pure: it imports only the standard library and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import trt_local.core

CORE_DIR = Path(trt_local.core.__file__).parent


def _imported_roots(path: Path) -> set[str]:
    roots: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            roots.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            roots.add(node.module)
    return roots


def test_core_imports_only_the_standard_library_and_itself() -> None:
    files = sorted(CORE_DIR.glob("*.py"))
    assert len(files) > 5
    for path in files:
        for name in _imported_roots(path):
            top = name.split(".")[0]
            allowed = top in sys.stdlib_module_names or name.startswith("trt_local.core")
            assert allowed, f"{path.name} imports {name}"

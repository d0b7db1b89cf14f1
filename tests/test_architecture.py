"""The design rules of STYLE.md, checked on the source: data flows one way, only the
CLI prints, and `brief --help` does not import the heavy modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "briefing"
STAGES = {
    "ingest",
    "clean",
    "dedup",
    "group",
    "pack",
    "generate",
    "extractive",
    "llm_engine",
    "verify",
    "render_md",
    "render_docx",
    "render_json",
    "render_html",
}


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level >= 1:
            if node.module:
                found.add(node.module.split(".")[0])
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("briefing."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names if a.name.startswith("briefing."))
    return found


@pytest.mark.parametrize("module", sorted(p.stem for p in PACKAGE.glob("*.py")))
def test_only_pipeline_imports_stages(module: str) -> None:
    if module in {"pipeline", "cli"}:
        return
    stages = imported_modules(PACKAGE / f"{module}.py") & STAGES - {module}
    assert not stages, f"{module} imports stage(s) {stages}; only pipeline.py wires stages"


@pytest.mark.parametrize("module", sorted(p.stem for p in PACKAGE.glob("*.py")))
def test_only_cli_prints(module: str) -> None:
    if module == "cli":
        return
    tree = ast.parse((PACKAGE / f"{module}.py").read_text(encoding="utf-8"))
    calls = [
        n
        for n in ast.walk(tree)
        if isinstance(n, ast.Call) and isinstance(n.func, ast.Name) and n.func.id == "print"
    ]
    assert not calls, f"{module} calls print(); return values or log instead"


def test_help_does_not_import_heavy_modules() -> None:
    code = (
        "import sys; from briefing import cli; "
        "heavy = [m for m in ('docx', 'openai', 'tiktoken', 'pydantic', 'lxml', 'yaml', "
        "'briefing.pipeline') if m in sys.modules]; print(heavy)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

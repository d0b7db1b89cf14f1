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


MODULES = sorted(str(p.relative_to(PACKAGE).with_suffix("")) for p in PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("module", MODULES)
def test_only_pipeline_imports_stages(module: str) -> None:
    if module.split("/")[0] in {"pipeline", "cli"}:
        return
    stages = imported_modules(PACKAGE / f"{module}.py") & STAGES - {module}
    assert not stages, f"{module} imports stage(s) {stages}; only the pipeline wires stages"


def test_the_pipeline_is_where_stages_are_wired() -> None:
    wired = set().union(*(imported_modules(p) for p in (PACKAGE / "pipeline").glob("*.py")))
    assert {
        "ingest",
        "clean",
        "dedup",
        "group",
        "pack",
        "generate",
        "extractive",
        "verify",
        "render_md",
        "render_docx",
    } <= wired


@pytest.mark.parametrize("module", MODULES)
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


def test_every_subpackage_is_shipped_in_the_wheel() -> None:
    """An editable install finds a package pyproject forgets; an installed wheel does not."""
    import tomllib

    config = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
    shipped = set(config["tool"]["setuptools"]["packages"])
    found = {
        "briefing." + str(p.parent.relative_to(PACKAGE)).replace("/", ".")
        for p in PACKAGE.rglob("__init__.py")
        if p.parent != PACKAGE
    }
    assert found <= shipped, f"add {sorted(found - shipped)} to [tool.setuptools] packages"
    assert "briefing.prompt_files" in shipped  # the prompts, mapped from prompts/

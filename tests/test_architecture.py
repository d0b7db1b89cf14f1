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
    "sources.ingest",
    "sources.clean",
    "sources.fetch",
    "sources.store",
    "stories.dedup",
    "stories.group",
    "stories.merge",
    "digest.pack",
    "digest.generate",
    "digest.extractive",
    "digest.verify",
    "render.md",
    "render.docx",
    "render.json",
    "render.html",
}
SUBPACKAGES = {"sources", "stories", "digest", "render", "daily", "pipeline"}


def module_name(path: Path) -> str:
    """``briefing/digest/verify.py`` -> ``digest.verify``; a package's ``__init__`` is the
    package itself."""
    parts = path.relative_to(PACKAGE).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported_modules(path: Path) -> set[str]:
    """Every ``briefing`` module the file imports, as a dotted name below ``briefing``,
    relative imports resolved; ``from X import name`` counts ``X.name`` too, since the name
    may be a module."""
    here = module_name(path).split(".") if module_name(path) else []
    package = here if path.name == "__init__.py" else here[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level >= 1:
                base = package[: len(package) - (node.level - 1)]
                target = [*base, *(node.module.split(".") if node.module else [])]
            elif (node.module or "").startswith("briefing"):
                target = node.module.split(".")[1:]
            else:
                continue
            if target:
                found.add(".".join(target))
            found.update(".".join([*target, alias.name]) for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(
                a.name.split(".", 1)[1] for a in node.names if a.name.startswith("briefing.")
            )
    return found


MODULES = sorted(module_name(p) or "__init__" for p in PACKAGE.rglob("*.py"))


def _path(module: str) -> Path:
    if module == "__init__":
        return PACKAGE / "__init__.py"
    candidate = PACKAGE / (module.replace(".", "/") + ".py")
    return candidate if candidate.exists() else PACKAGE / module.replace(".", "/") / "__init__.py"


@pytest.mark.parametrize("module", MODULES)
def test_only_pipeline_imports_stages(module: str) -> None:
    if module.split(".")[0] in {"pipeline", "cli"}:
        return
    stages = imported_modules(_path(module)) & STAGES - {module}
    assert not stages, f"{module} imports stage(s) {stages}; only the pipeline wires stages"


def test_the_pipeline_is_where_stages_are_wired() -> None:
    wired = set().union(*(imported_modules(p) for p in (PACKAGE / "pipeline").glob("*.py")))
    assert {
        "sources.ingest",
        "sources.clean",
        "stories.dedup",
        "stories.group",
        "stories.merge",
        "digest.pack",
        "digest.generate",
        "digest.extractive",
        "digest.verify",
        "render.md",
        "render.docx",
    } <= wired


def test_folders_show_the_pipeline() -> None:
    """STYLE.md principle 6: stages live in subpackages named after the pipeline; only
    shared values, errors, text and safety helpers, the names table, config and the CLI
    stay at the top."""
    top = {p.stem for p in PACKAGE.glob("*.py")}
    allowed = {"__init__", "cli", "config", "errors", "models", "names", "safety", "text"}
    assert top <= allowed, top
    assert all(module.split(".")[0] in SUBPACKAGES for module in STAGES)


@pytest.mark.parametrize("module", MODULES)
def test_only_cli_prints(module: str) -> None:
    if module == "cli":
        return
    tree = ast.parse(_path(module).read_text(encoding="utf-8"))
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

"""The prompt registry: versioned prompt files, parsed, checked and rendered.

A prompt is a file ``<task>.v<N>.md``: YAML front matter (``id``, ``version``,
``description``, ``inputs``, ``output``, ``temperature``), then a ``## system`` and a
``## user`` section whose ``$variables`` are filled by ``string.Template``. A released
file is never edited; a change is a new version. The sha256 of the file's exact bytes
goes into provenance, run logs and cache keys (``Prompt.ref``).

yaml and pydantic are imported on first parse, so importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import os
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import PromptError
from ..models import PromptRef

ENV_VAR = "BRIEF_PROMPTS_DIR"
_FILENAME = re.compile(r"(?P<id>[a-z][a-z0-9_-]*)\.v(?P<version>[1-9][0-9]*)\.md")
_PIN = re.compile(r"(?P<id>[a-z][a-z0-9_-]*)=[vV]?(?P<version>[1-9][0-9]*)")
_HEADING = re.compile(r"^##[ \t]+(?P<name>\S.*?)[ \t]*$", re.MULTILINE)
_SECTIONS = ("system", "user")


@dataclass(frozen=True, slots=True)
class Prompt:
    """One version of one prompt, as read from its file."""

    id: str
    version: int
    description: str
    inputs: tuple[str, ...]
    output: str  # name of the schema the answer must match, e.g. "StoryAnswer"
    temperature: float
    system: str
    user: str
    sha256: str  # of the file's exact bytes
    path: str

    def render(self, **values: str) -> tuple[str, str]:
        """Fill the ``$variables``: returns ``(system, user)``."""
        missing = [name for name in self.inputs if name not in values]
        extra = sorted(set(values) - set(self.inputs))
        if missing:
            raise PromptError(
                f"Prompt {self.id} v{self.version} needs ${missing[0]}: pass "
                f"{', '.join(f'{n}=...' for n in missing)} to render()."
            )
        if extra:
            raise PromptError(
                f"Prompt {self.id} v{self.version} does not take ${extra[0]}: pass only "
                f"its inputs ({', '.join(self.inputs)}), or write a new version that uses it."
            )
        fill = string.Template
        return fill(self.system).substitute(values), fill(self.user).substitute(values)

    @property
    def ref(self) -> PromptRef:
        return PromptRef(id=self.id, version=self.version, sha256=self.sha256)


def prompt_dir() -> Path:
    """Where prompts are read from: ``$BRIEF_PROMPTS_DIR``, else the packaged copy
    (``briefing/prompt_files`` in a wheel), else the checkout's ``prompts/``."""
    if env := os.environ.get(ENV_VAR):
        path = Path(env).expanduser()
        if not path.is_dir():
            raise PromptError(
                f"{ENV_VAR}={env} is not a folder: point it at a folder of "
                f"<task>.v<N>.md files, or unset it to use the bundled prompts."
            )
        return path
    here = Path(__file__).resolve().parent.parent  # the briefing package
    for candidate in (here / "prompt_files", here.parent / "prompts"):
        if candidate.is_dir() and any(candidate.glob("*.v*.md")):
            return candidate
    raise PromptError(
        f"No bundled prompts found next to {here}: reinstall brief, or set {ENV_VAR} "
        f"to a folder of <task>.v<N>.md files."
    )


def list_prompts(directory: Path | None = None) -> list[Prompt]:
    """Every version of every prompt in ``directory``, sorted by id then version."""
    index = _index(directory or prompt_dir())
    return [_parse(index[t][v], t, v) for t in sorted(index) for v in sorted(index[t])]


def load(task: str, version: int | None = None, directory: Path | None = None) -> Prompt:
    """One prompt: the given version, or the latest when ``version`` is None."""
    folder = directory or prompt_dir()
    index = _index(folder)
    if task not in index:
        known = ", ".join(sorted(index)) or "none"
        raise PromptError(
            f"No prompt named {task!r} in {folder}: available prompts are {known}. "
            f"Add {folder / f'{task}.v1.md'} or check the task name."
        )
    versions = index[task]
    version = max(versions) if version is None else version
    if version not in versions:
        available = ", ".join(f"v{v}" for v in sorted(versions))
        raise PromptError(
            f"No prompt {task} v{version}: available versions are {available}. "
            f"Use --prompt {task}=v{max(versions)} or drop the pin."
        )
    return _parse(versions[version], task, version)


def parse_pins(pins: Sequence[str]) -> dict[str, int]:
    """``["story=v2", "overview=1"]`` (or ``"story=v2,overview=1"``) -> ``{"story": 2, ...}``."""
    result: dict[str, int] = {}
    for item in (part.strip() for pin in pins for part in pin.split(",")):
        match = _PIN.fullmatch(re.sub(r"\s+", "", item))
        if not match:
            raise PromptError(
                f"Bad prompt pin {item!r}: write TASK=vN with N >= 1, e.g. --prompt story=v2."
            )
        task, version = match["id"], int(match["version"])
        if result.get(task, version) != version:
            raise PromptError(
                f"Prompt {task} is pinned twice (v{result[task]} and v{version}): keep one pin."
            )
        result[task] = version
    return result


def _index(folder: Path) -> dict[str, dict[int, Path]]:
    index: dict[str, dict[int, Path]] = {}
    for path in sorted(folder.glob("*.v*.md")):
        match = _FILENAME.fullmatch(path.name)
        if not match:
            raise PromptError(
                f"{path}: a prompt file is named <task>.v<N>.md (lowercase task, N >= 1, "
                f"e.g. story.v2.md): rename it or move it out of {folder}."
            )
        index.setdefault(match["id"], {})[int(match["version"])] = path
    return index


@cache
def _front_matter_model() -> Any:
    from pydantic import BaseModel, ConfigDict, Field

    class FrontMatter(BaseModel):
        model_config = ConfigDict(extra="forbid", strict=True)
        id: str
        version: int
        description: str = Field(min_length=1)
        inputs: list[str]
        output: str = Field(min_length=1)
        temperature: float = Field(ge=0, le=2)

    return FrontMatter


def _parse(path: Path, task: str, version: int) -> Prompt:
    import pydantic
    import yaml

    def fail(problem: str) -> PromptError:
        return PromptError(f"{path}: {problem}")

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as exc:
        raise fail("is not UTF-8 text: save it as UTF-8.") from exc
    head, sep, body = text.removeprefix("---\n").partition("\n---\n")
    if not text.startswith("---\n") or not sep:
        raise fail("must start with YAML front matter between two '---' lines.")
    try:
        data = yaml.safe_load(head)
        meta = _front_matter_model().model_validate(data if data is not None else {})
    except yaml.YAMLError as exc:
        raise fail(f"front matter is not valid YAML ({exc}): fix it.") from exc
    except pydantic.ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(map(str, e['loc'])) or 'front matter'}: {e['msg']}" for e in exc.errors()
        )
        raise fail(
            f"bad front matter ({problems}): keys are exactly id, version, description, "
            f"inputs, output, temperature (0-2)."
        ) from exc
    if (meta.id, meta.version) != (task, version):
        raise fail(
            f"front matter says {meta.id} v{meta.version} but the file name says "
            f"{task} v{version}: make them agree."
        )
    if len(set(meta.inputs)) != len(meta.inputs):
        raise fail("'inputs' lists a variable twice: list each once.")

    headings = list(_HEADING.finditer(body))
    names = [h["name"] for h in headings]
    if names != list(_SECTIONS) or body[: headings[0].start()].strip():
        raise fail(
            f"has sections {names or 'none'}: it needs exactly '## system' then '## user' "
            f"after the front matter, and no other '## ' headings."
        )
    system = body[headings[0].end() : headings[1].start()].strip("\n")
    user = body[headings[1].end() :].strip("\n")

    used: set[str] = set()
    for name, section in zip(_SECTIONS, (system, user), strict=True):
        template = string.Template(section)
        if not template.is_valid():
            raise fail(f"'## {name}' has a '$' that is not a $variable: write '$$' for '$'.")
        used.update(template.get_identifiers())
    if undeclared := sorted(used - set(meta.inputs)):
        raise fail(f"uses ${undeclared[0]} but 'inputs' does not declare it: add it to inputs.")
    if unused := sorted(set(meta.inputs) - used):
        raise fail(f"declares input {unused[0]!r} that no section uses: use it or remove it.")

    fields = meta.model_dump() | {"inputs": tuple(meta.inputs)}
    digest = hashlib.sha256(raw).hexdigest()
    return Prompt(**fields, system=system, user=user, sha256=digest, path=str(path))

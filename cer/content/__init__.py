"""The one place that loads the YAML content and checks it as a whole.

Every file is parsed and validated by its pydantic model, then the cross-references are checked (action →
workstream and anchoring step; tool → workstream, step, action; provider → workstream, step). Every problem
is collected and reported as `file: field.path: message`; content with any problem is never returned.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

import workstreams
from cer.content import paths, translations
from cer.content.checks import Problem, check_references, format_path
from cer.content.diagnostic_checks import check_planning, check_questionnaire, check_rules
from cer.content.paths import CATALOGUE_DIR, DIAGNOSTICS_DIR, FRAMEWORK_DIR
from cer.content.yaml_source import compose, describe_yaml_error, line_of, parse
from diagnostics.questionnaire import Questionnaire
from diagnostics.rules import PlanningFile, RulesFile
from diagnostics.working_calendars import CalendarsFile
from tools_catalog.catalogue import Catalogue
from tools_catalog.models import SupportFile, ToolsFile
from workstreams.framework import Framework
from workstreams.models import DeviationsFile, StepsFile, WorkstreamsFile
from workstreams.templates import TaskTemplate, TemplatesFile, check_template

FIXED_FILES: dict[str, type[BaseModel]] = {
    paths.STEPS: StepsFile,
    paths.WORKSTREAMS: WorkstreamsFile,
    paths.TEMPLATES: TemplatesFile,
    paths.DEVIATIONS: DeviationsFile,
    paths.SUPPORT: SupportFile,
    paths.QUESTIONNAIRE: Questionnaire,
    paths.RULES: RulesFile,
    paths.PLANNING: PlanningFile,
    paths.CALENDARS: CalendarsFile,
}
CLOSED_DIRS = (FRAMEWORK_DIR, DIAGNOSTICS_DIR)  # hold only their fixed files
SCHEMAS: dict[str, type[BaseModel]] = {
    "steps.schema.json": StepsFile,
    "workstreams.schema.json": WorkstreamsFile,
    "templates.schema.json": TemplatesFile,
    "deviations.schema.json": DeviationsFile,
    "tools.schema.json": ToolsFile,
    "support.schema.json": SupportFile,
    "questionnaire.schema.json": Questionnaire,
    "rules.schema.json": RulesFile,
    "planning.schema.json": PlanningFile,
    "calendars.schema.json": CalendarsFile,
}


M = TypeVar("M", bound=BaseModel)


def _natural(path: str) -> list[Any]:
    """'tools[10]' after 'tools[9]': numbers in a path compare as numbers."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part) for part in re.split(r"(\d+)", path)]


class ContentError(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = sorted(problems, key=lambda p: (p.file, _natural(p.path), p.message))
        super().__init__(
            f"{len(self.problems)} problem(s) in the content:\n" + "\n".join(map(str, self.problems))
        )


@dataclass(frozen=True)
class Content:
    framework: Framework
    catalogue: Catalogue
    version: str
    root: Path
    questionnaire: Questionnaire
    rules: RulesFile
    planning: PlanningFile
    templates: dict[str, list[TaskTemplate]]
    calendars: CalendarsFile
    lang: str = "en"  # the language of its texts (a text not yet translated stays English, marked)

    def counts(self) -> dict[str, int]:
        fw, cat = self.framework, self.catalogue
        return {
            "steps": len(fw.steps),
            "actions": len(fw.actions),
            "workstreams": len(fw.workstreams),
            "tools": len(cat.tools),
            "providers": len(cat.providers),
        }


def default_root() -> Path:
    """The folder holding the `workstreams/` and `tools_catalog/` packages (the repository in development)."""
    return Path(workstreams.__file__).resolve().parent.parent


@cache
def get_content(root: Path | None = None, lang: str = "en") -> Content:
    """The content in `lang` (English when it is not one we translate into), loaded and checked once per
    process and language."""
    return load_content(root, lang)


def load_content(root: Path | None = None, lang: str = "en") -> Content:
    root = (root or default_root()).resolve()
    models, version = content_files(root)
    # Translating changes texts only: the version (of the English files) is the same in every language.
    models = {rel: translations.translated(translations.fill_labels(m), lang) for rel, m in models.items()}
    return _assemble(models, root, version, lang)


def content_files(root: Path) -> tuple[dict[str, BaseModel], str]:
    """Each content file (relative path → its checked model, in English) and the content's version."""
    files = _content_files(root)
    problems: list[Problem] = []
    models: dict[str, BaseModel] = {}
    digest = hashlib.sha256()
    for rel, model in files.items():
        path = root / rel
        if not path.is_file():
            problems.append(Problem(rel, "", "file is missing"))
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            problems.append(Problem(rel, "", f"not UTF-8 text (byte {exc.start}): save the file as UTF-8"))
            continue
        except OSError as exc:
            problems.append(Problem(rel, "", f"cannot be read: {exc.strerror or exc}"))
            continue
        digest.update(rel.encode() + b"\0" + text.encode() + b"\0")
        loaded = _validate(rel, text, model, problems)
        if loaded is not None:
            models[rel] = loaded
    problems += _cross_check(models)
    if problems:
        raise ContentError(problems)
    return models, digest.hexdigest()[:12]


def _content_files(root: Path) -> dict[str, type[BaseModel]]:
    files = dict(FIXED_FILES)
    for path in sorted((root / CATALOGUE_DIR).glob("*.y*ml")):
        files.setdefault(f"{CATALOGUE_DIR}/{path.name}", ToolsFile)
    for folder in CLOSED_DIRS:
        for path in sorted((root / folder).glob("*.y*ml")):
            files.setdefault(f"{folder}/{path.name}", _UnexpectedFile)
    return files


def _cross_check(models: dict[str, BaseModel]) -> list[Problem]:
    steps, workstreams = _find(models, StepsFile), _find(models, WorkstreamsFile)
    problems = check_references(steps, workstreams, _tools_by_file(models), _find(models, SupportFile))
    framework = Framework(steps.steps, workstreams.workstreams) if steps and workstreams else None
    questionnaire = _find(models, Questionnaire)
    tool_ids = {t.id for f in _tools_by_file(models).values() for t in f.tools}
    if questionnaire:
        problems += check_questionnaire(questionnaire, framework)
    if rules := _find(models, RulesFile):
        problems += check_rules(rules, questionnaire, framework, tool_ids)
    if planning := _find(models, PlanningFile):
        problems += check_planning(planning, questionnaire, framework)
    if templates := _find(models, TemplatesFile):
        problems += _check_templates(templates, framework)
    return problems


def _check_templates(file: TemplatesFile, framework: Framework | None) -> list[Problem]:
    problems = []
    actions = {a.id: a for a in framework.actions} if framework is not None else {}
    for code, templates in file.templates.items():
        if framework is not None and code not in {w.code for w in framework.workstreams}:
            problems.append(Problem(paths.TEMPLATES, f"templates.{code}", f"unknown workstream {code!r}"))
        seen: set[tuple[str, str]] = set()
        for i, template in enumerate(templates):
            where = f"templates.{code}[{i}]"
            messages = check_template(code, template)
            action = actions.get(template.action)
            if framework is not None and action is None:
                messages.append(f"unknown action {template.action!r}")
            elif action is not None and code not in action.workstreams:
                messages.append(f"action {template.action} is not part of workstream {code}")
            if (template.action, template.key) in seen:
                messages.append(f"key {template.key!r} is used twice for action {template.action}")
            seen.add((template.action, template.key))
            problems += [Problem(paths.TEMPLATES, where, m) for m in messages]
    return problems


class _UnexpectedFile(BaseModel):
    pass


def _validate(rel: str, text: str, model: type[BaseModel], problems: list[Problem]) -> BaseModel | None:
    if model is _UnexpectedFile:
        folder = rel.rpartition("/")[0]
        names = [f.rpartition("/")[2] for f in FIXED_FILES if f.rpartition("/")[0] == folder]
        listed = f"{', '.join(names[:-1])} and {names[-1]}"
        problems.append(Problem(rel, "", f"unexpected file; {folder} holds only {listed}"))
        return None
    try:
        data = parse(text)
    except yaml.YAMLError as exc:
        problems.append(Problem(rel, "", describe_yaml_error(exc)))
        return None
    if not isinstance(data, dict):
        problems.append(Problem(rel, "", f"expected a mapping at the top, found {type(data).__name__}"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        tree = compose(text)
        problems.extend(_problem_from(rel, tree, err) for err in exc.errors())
        return None


def _problem_from(rel: str, tree: yaml.Node | None, err: Any) -> Problem:
    loc = tuple(err["loc"])
    message = _MESSAGES.get(err["type"], _default_message)(err)
    line = line_of(tree, loc)
    return Problem(rel, format_path(loc), f"{message} (line {line})" if line else message)


def _default_message(err: Any) -> str:
    given = err.get("input")
    shown = "" if isinstance(given, dict | list) or given is None else f" (got {given!r})"
    return f"{err['msg']}{shown}"


_MESSAGES: dict[str, Callable[[Any], str]] = {
    "extra_forbidden": lambda err: f"unknown field {err['loc'][-1]!r}",
    "missing": lambda _err: "required field is missing",
}


def _find(models: dict[str, BaseModel], kind: type[M]) -> M | None:
    return next((m for m in models.values() if isinstance(m, kind)), None)


def _get(models: dict[str, BaseModel], kind: type[M]) -> M:
    found = _find(models, kind)
    assert found is not None, f"{kind.__name__} was validated before assembly"
    return found


def _tools_by_file(models: dict[str, BaseModel]) -> dict[str, ToolsFile]:
    return {rel: m for rel, m in models.items() if isinstance(m, ToolsFile)}


def _assemble(models: dict[str, BaseModel], root: Path, version: str, lang: str = "en") -> Content:
    framework = Framework(_get(models, StepsFile).steps, _get(models, WorkstreamsFile).workstreams)
    tools = [t for f in _tools_by_file(models).values() for t in f.tools]
    catalogue = Catalogue(sorted(tools, key=lambda t: t.id), _get(models, SupportFile).providers)
    return Content(
        framework,
        catalogue,
        version,
        root,
        _get(models, Questionnaire),
        _get(models, RulesFile),
        _get(models, PlanningFile),
        dict(_get(models, TemplatesFile).templates),
        _get(models, CalendarsFile),
        lang if lang in translations.LANGUAGES else "en",
    )


def schema_documents() -> dict[str, str]:
    """The JSON Schema of every content file kind, as the text written to `schemas/`."""
    return {
        name: json.dumps(model.model_json_schema(), indent=2, sort_keys=True) + "\n"
        for name, model in SCHEMAS.items()
    }


def write_schemas(out_dir: Path) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in schema_documents().items():
        path = out_dir / name
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

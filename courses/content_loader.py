"""Build the course page tree from the YAML files in courses/content/.

Idempotent: each page is recorded in ContentSource with the hash of its data and the
revision the loader published. On a later load a page is
- created when it has no record (and no sibling already uses its slug);
- left alone when its data hash is unchanged;
- left alone when its latest revision is not the loader's: a person edited it since
  (or deleted it), and the loader never overwrites their work;
- otherwise updated with a new published revision.
"""

import hashlib
import json
import uuid
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings
from django.db import transaction
from wagtail.models import Locale, Page, Site

from standards.models import Criterion, Element, Standard

from . import illustrations
from .blocks import practice_minutes
from .models import ContentSource, CoursePage, HomePage, LessonPage, ModulePage

CONTENT_DIR = Path(__file__).resolve().parent / "content"
_BLOCK_ID_NAMESPACE = uuid.UUID("6f1d4c52-3b0e-4b8e-9a51-0c1b2f7f4e10")


class ContentError(ValueError):
    """The data files are not valid; nothing was changed."""


@dataclass
class LoadReport:
    counts: Counter = field(default_factory=Counter)
    kept: list[str] = field(default_factory=list)

    def note(self, outcome: str, key: str) -> None:
        self.counts[outcome] += 1
        if outcome == "kept":
            self.kept.append(key)

    def __str__(self) -> str:
        parts = [f"{name}: {self.counts[name]}" for name in sorted(self.counts)]
        return ", ".join(parts) or "nothing to load"


def _hash(data: Any) -> str:
    encoded = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(encoded.encode()).hexdigest()


def _read_yaml(path: Path) -> Any:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except (OSError, yaml.YAMLError) as error:
        raise ContentError(f"{path.name}: {error}") from error


def _normalise_step(step: dict) -> dict:
    # YAML 1.1 reads unquoted yes/no keys as booleans.
    step = {{True: "yes", False: "no"}.get(k, k): v for k, v in step.items()}
    return {
        "text": step["text"],
        "decision": bool(step.get("decision", False)),
        "yes": step.get("yes") or "",
        "no": step.get("no") or "",
    }


def _list_block(items: list) -> list:
    return [{"type": "item", "value": item} for item in items]


def _with_item_ids(value, block_key: str):
    """Give every ListBlock item a stable id. Wagtail only reads a list item as
    {"type": "item", "value": ..., "id": ...} when it has an id; without one it
    takes the whole dict as the item's value and every field comes out empty."""
    if not isinstance(value, dict):
        return value
    for name, items in value.items():
        if isinstance(items, list):
            for position, item in enumerate(items):
                if isinstance(item, dict) and item.get("type") == "item":
                    item["id"] = str(
                        uuid.uuid5(
                            _BLOCK_ID_NAMESPACE, f"{block_key}/{name}/{position}"
                        )
                    )
    return value


def _minutes(value: dict, key: str) -> int:
    minutes = value.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or minutes < 1:
        raise ContentError(f"{key}: a practice activity needs its minutes (1 or more)")
    return minutes


def _criterion(item: dict, key: str, criteria, *, required: bool) -> str:
    code = item.get("criterion") or ""
    if (required and not code) or (
        code and criteria is not None and code not in criteria
    ):
        raise ContentError(f"{key}: unknown or missing criterion {code!r}")
    return code


def _practice_value(kind: str, value: dict, key: str, criteria) -> dict:
    """The raw value of a role_play, self_check or illustrations block."""
    if kind == "role_play":
        return {
            "title": value["title"],
            "minutes": _minutes(value, key),
            "situation": value["situation"],
            "customer_role": value["customer_role"],
            "server_role": value["server_role"],
            "checklist": _list_block(
                [
                    {
                        "item": item["item"],
                        "criterion": _criterion(item, key, criteria, required=True),
                    }
                    for item in value["checklist"]
                ]
            ),
        }
    if kind == "self_check":
        return {
            "title": value["title"],
            "minutes": _minutes(value, key),
            "items": _list_block(
                [
                    {
                        "text": item["text"],
                        "criterion": _criterion(item, key, criteria, required=False),
                    }
                    for item in value["items"]
                ]
            ),
        }
    items = []
    for item in value["items"]:
        if item["name"] not in illustrations.ILLUSTRATIONS:
            raise ContentError(f"{key}: unknown illustration {item['name']!r}")
        if not (item.get("alt") or "").strip():
            raise ContentError(f"{key}: illustration {item['name']!r} needs alt text")
        items.append(
            {
                "name": item["name"],
                "alt": item["alt"],
                "caption": item.get("caption", ""),
            }
        )
    return {"title": value.get("title", ""), "items": _list_block(items)}


def stream_data(body: list[dict], key: str, criteria=None) -> list[dict]:
    """Turn the data file's blocks into StreamField raw data with stable ids.
    ``criteria`` (codes) checks the criteria practice activities are tagged with."""
    raw = []
    for index, block in enumerate(body):
        kind, value = block["type"], block["value"]
        if kind == "dialogue":
            value = {
                **value,
                "turns": _list_block(
                    [
                        {
                            "speaker": t["speaker"],
                            "line": t["line"],
                            "note": t.get("note") or "",
                        }
                        for t in value["turns"]
                    ]
                ),
            }
        elif kind == "comparison_table":
            value = {
                **value,
                "title": value.get("title", ""),
                "rows": _list_block(value["rows"]),
            }
        elif kind == "step_flow":
            value = {
                "title": value.get("title", ""),
                "steps": _list_block([_normalise_step(s) for s in value["steps"]]),
            }
        elif kind == "glossary":
            value = {
                **value,
                "title": value.get("title", ""),
                "terms": _list_block(value["terms"]),
            }
        elif kind == "knowledge_check":
            options = value["options"]
            if sum(bool(o.get("correct")) for o in options) != 1:
                raise ContentError(f"{key}: knowledge check needs one right option")
            value = {
                "question": value["question"],
                "options": _list_block(
                    [
                        {
                            "text": o["text"],
                            "correct": bool(o.get("correct")),
                            "feedback": o.get("feedback", ""),
                        }
                        for o in options
                    ]
                ),
            }
        elif kind == "callout":
            value = {
                "kind": value.get("kind", "tip"),
                "title": value.get("title", ""),
                "text": value["text"],
            }
        elif kind == "quote":
            value = {
                "quote": value["quote"],
                "attribution": value.get("attribution", ""),
            }
        elif kind == "heading":
            value = {"text": value["text"], "level": value.get("level", "h2")}
        elif kind in {"role_play", "self_check", "illustrations"}:
            value = _practice_value(kind, value, key, criteria)
        elif kind not in {"paragraph", "customer_type", "voice_tone"}:
            raise ContentError(f"{key}: unknown block type {kind!r}")
        block_id = str(uuid.uuid5(_BLOCK_ID_NAMESPACE, f"{key}#{index}"))
        value = _with_item_ids(value, f"{key}#{index}")
        raw.append({"type": kind, "value": value, "id": block_id})
    return raw


class PageLoader:
    """Creates and updates pages under the rules above; apps above courses use it
    to load their own pages of a course (``section_loaders`` of load_course)."""

    def __init__(self, report: LoadReport):
        self.report = report
        self.criteria = {c.code: c for c in Criterion.objects.all()}
        self.elements = {e.code: e for e in Element.objects.all()}

    def upsert(
        self,
        *,
        key,
        parent,
        model,
        slug,
        title,
        fields,
        relations=None,
        set_relations: Callable | None = None,
    ):
        """Create or update one page; return it (or the person's edited page).

        ``relations`` is data that counts in the page's hash; ``set_relations(page,
        relations)`` applies it (default: ``criteria``, a list of criterion codes).
        """
        set_relations = set_relations or self._set_criteria
        digest = _hash({"title": title, "slug": slug, **fields, **(relations or {})})
        source = ContentSource.objects.filter(key=key).first()
        if source is None:
            existing = parent.get_children().filter(slug=slug).first()
            if existing is not None:  # made by a person, not by us: theirs
                self.report.note("kept", key)
                return existing.specific
            page = model(title=title, slug=slug, **fields)
            if relations:
                set_relations(page, relations)
            parent.add_child(instance=page)
            revision = page.save_revision()
            revision.publish()
            ContentSource.objects.create(
                page=page, key=key, content_hash=digest, revision_id=revision.pk
            )
            self.report.note("created", key)
            return page
        if source.page_id is None:  # deleted by a person: stays deleted
            self.report.note("kept", key)
            return None
        page = source.page.specific
        if page.latest_revision_id != source.revision_id:
            self.report.note("kept", key)
            return page
        if source.content_hash == digest:
            self.report.note("unchanged", key)
            return page
        page.title = title
        for name, value in fields.items():
            setattr(page, name, value)
        if relations:
            set_relations(page, relations)
        revision = page.save_revision()
        revision.publish()
        source.content_hash = digest
        source.revision_id = revision.pk
        source.save(update_fields=["content_hash", "revision_id", "loaded_at"])
        self.report.note("updated", key)
        return page

    def _set_criteria(self, page, relations):
        if "criteria" in relations:
            page.criteria = [self.criteria[code] for code in relations["criteria"]]

    def criterion_codes(self, key: str, codes: list[str]) -> list[str]:
        unknown = [code for code in codes if code not in self.criteria]
        if unknown:
            raise ContentError(f"{key}: unknown criteria {', '.join(unknown)}")
        return sorted(set(codes))


SectionLoader = Callable[[PageLoader, CoursePage, str, list], None]


@transaction.atomic
def load_course(
    course_dir: Path,
    *,
    home: HomePage,
    section_loaders: Mapping[str, SectionLoader] | None = None,
) -> LoadReport:
    """Load one course folder under the home page. Raises ContentError, changing
    nothing, when a file is invalid.

    ``section_loaders`` load the parts of course.yaml that belong to apps above
    courses (``{"assessments": ...}``), called with the loader, the course page,
    the course key and the section's data, after the modules.
    """
    try:
        return _load_course(course_dir, home=home, sections=section_loaders or {})
    except (KeyError, TypeError, AttributeError) as error:
        # A required field is missing or has the wrong shape (e.g. a lesson
        # without a title): the data is invalid, not the loader.
        raise ContentError(
            f"{course_dir.name}: missing or malformed field ({error!r})"
        ) from error


def _load_course(course_dir: Path, *, home: HomePage, sections) -> LoadReport:
    report = LoadReport()
    loader = PageLoader(report)
    course_data = _read_yaml(course_dir / "course.yaml")
    course_key = course_data["slug"]
    if "duration_hours" in course_data:
        raise ContentError(
            f"{course_key}: duration_hours is computed from the lessons' minutes; "
            "remove it from course.yaml"
        )
    standard = Standard.objects.filter(code=course_data.get("standard", "")).first()
    course = loader.upsert(
        key=course_key,
        parent=home,
        model=CoursePage,
        slug=course_data["slug"],
        title=course_data["title"],
        fields={
            "overview": course_data["overview"],
            "objectives": course_data.get("objectives", ""),
            "audience": course_data.get("audience", ""),
            "standard": standard,
        },
    )
    if course is None:
        return report
    for filename in course_data["modules"]:
        module_data = _read_yaml(course_dir / filename)
        module_key = f"{course_key}/{module_data['slug']}"
        element_code = module_data.get("element")
        if element_code and element_code not in loader.elements:
            raise ContentError(f"{module_key}: unknown element {element_code}")
        module = loader.upsert(
            key=module_key,
            parent=course,
            model=ModulePage,
            slug=module_data["slug"],
            title=module_data["title"],
            fields={
                "intro": module_data.get("intro", ""),
                "element": loader.elements.get(element_code),
                "audience": module_data.get("audience", "learners"),
            },
        )
        if module is None:
            continue
        for lesson_data in module_data["lessons"]:
            lesson_key = f"{module_key}/{lesson_data['slug']}"
            body = stream_data(lesson_data["body"], lesson_key, loader.criteria)
            loader.upsert(
                key=lesson_key,
                parent=module,
                model=LessonPage,
                slug=lesson_data["slug"],
                title=lesson_data["title"],
                fields={
                    "summary": lesson_data.get("summary", ""),
                    # The file gives the time to read and study the text; the
                    # page's estimate adds the time of its practice activities.
                    "minutes": lesson_data.get("minutes", 10) + practice_minutes(body),
                    "body": body,
                },
                relations={
                    "criteria": loader.criterion_codes(
                        lesson_key, lesson_data.get("criteria", [])
                    )
                },
            )
    for name in _SECTIONS_AFTER_MODULES:
        if name not in course_data:
            continue
        if name not in sections:
            raise ContentError(f"{course_key}: no loader for its {name!r} section")
        sections[name](loader, course, course_key, course_data[name])
    return report


# The sections of course.yaml other apps load, in this order.
_SECTIONS_AFTER_MODULES = ("assessments",)


def home_page() -> HomePage:
    """The home page, recreated with its Site when missing (e.g. after a flush)."""
    home = HomePage.objects.first()
    if home is None:
        Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        root = Page.get_first_root_node() or Page.add_root(
            instance=Page(title="Root", slug="root")
        )
        home = root.add_child(instance=HomePage(title="Atiende", slug="inicio"))
    if not Site.objects.filter(root_page=home).exists():
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
        Site.objects.create(
            hostname="localhost",
            root_page=home,
            is_default_site=True,
            site_name="Atiende",
        )
    return home

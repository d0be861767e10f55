"""The question bank in GIFT: our questions as ``gift.GiftQuestion`` and back, and
the two services trainers use from the admin (import and export).

``gift.py`` knows GIFT and nothing of the database; this module knows both. The
mapping of each type is in its class (``to_gift`` / ``from_gift`` in
assessments/question_types): single, multiple, situational, true/false,
matching, short answer and numerical map to GIFT's own forms; ``ordering``
cannot be written in GIFT: export skips it and says how many it skipped.

Metadata travels in the ``// atiende:`` comment (``code``, ``standard``,
``element``, ``criterion``, ``difficulty``, ``level`` (the knowledge level, when
set), ``active=false`` for inactive
questions and ``tags``, each tag percent-encoded and the tags joined by commas:
``tags=cliente-dominante,atenci%C3%B3n%20telef%C3%B3nica``). A file from
elsewhere may instead give the criterion as the last segment of ``$CATEGORY:``
(used when it names a criterion) and the code as the ``::title::``; a question
with neither a usable code nor title gets a new code ``<criterion>-NNN``. A
question with no criterion at all takes the import's default criterion, if one
was chosen.

The import saves all or nothing (``skip_invalid=False``), or the valid questions
and a list of the others, each at its first line with the reason.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote, unquote

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from standards.models import Criterion

from . import gift
from .models import Question, Response
from .question_services import content_from_data, question_problems
from .question_types import registry

CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,39}")
_BOOLEAN_META = {"true": True, "false": False}
# taggit's Tag.name is at most 100 characters.
_MAX_TAG_CHARS = 100


class GiftImportError(ValueError):
    """A GIFT file that cannot be imported; ``errors`` lists ``(line, reason)``
    for every problem found, and nothing was saved."""

    def __init__(self, errors: Iterable[tuple[int, str]]):
        self.errors = sorted(errors, key=lambda error: error[0])
        super().__init__("\n".join(self.messages))

    @property
    def messages(self) -> list[str]:
        return [
            _("línea %(line)s: %(reason)s") % {"line": line, "reason": reason}
            for line, reason in self.errors
        ]


@dataclass
class GiftImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    #: ``(line, reason)`` of what was left out (``skip_invalid``): the line is
    #: where the question starts.
    skipped: list[tuple[int, str]] = field(default_factory=list)

    @property
    def skipped_messages(self) -> list[str]:
        return GiftImportError(self.skipped).messages

    @property
    def skipped_count(self) -> int:
        """How many questions were left out (one may have several reasons)."""
        return len({line for line, _ in self.skipped})


@dataclass
class GiftExport:
    text: str
    exported: list[str]
    skipped: list[str]  # codes of the ordering questions left out


# ----------------------------------------------------------------- Question -> GIFT


def gift_from_question(question: Question) -> gift.GiftQuestion | None:
    """The question as GIFT carries it, or None for a type GIFT cannot express
    (ordering). Needs ``criterion__element`` and ``criterion__standard`` loaded
    (and ``tags`` prefetched, for a list)."""
    criterion = question.criterion
    meta = [("code", question.code), ("standard", criterion.standard.code)]
    if criterion.element_id:
        meta.append(("element", criterion.element.code))
    meta += [("criterion", criterion.code), ("difficulty", question.difficulty)]
    if question.knowledge_level:
        meta.append(("level", question.knowledge_level))
    if not question.active:
        meta.append(("active", "false"))
    tags = sorted(tag.name for tag in question.tags.all())
    if tags:
        meta.append(("tags", ",".join(quote(tag, safe="") for tag in tags)))
    common = {
        "stem": question.stem,
        "title": question.code,
        "feedback": question.feedback,
        "meta": tuple(meta),
        "text_format": question.text_format,
    }
    return registry.get(question.type).to_gift(question.content[0].value, common)


def question_bank_export_gift(*, questions: Iterable[Question]) -> GiftExport:
    """Write the questions as GIFT, the types GIFT cannot express (ordering) left
    out and counted.

    Raises ``gift.GiftError`` (positions are question numbers) for a question that
    GIFT cannot carry as it is; the caller shows it.
    """
    written: list[gift.GiftQuestion] = []
    numbers: list[int] = []  # each written question's number among all
    exported: list[str] = []
    skipped_codes: list[str] = []
    for number, question in enumerate(questions, start=1):
        as_gift = gift_from_question(question)
        if as_gift is None:
            skipped_codes.append(question.code)
        else:
            written.append(as_gift)
            numbers.append(number)
            exported.append(question.code)
    try:
        text = gift.write_gift(written)[0]
    except gift.GiftError as error:
        raise gift.GiftError(
            [(numbers[position - 1], reason) for position, reason in error.errors],
            unit=error.unit,
        ) from error
    header = [
        "// "
        + ngettext(
            "Banco de preguntas exportado de Atiende: %(n)s pregunta.",
            "Banco de preguntas exportado de Atiende: %(n)s preguntas.",
            len(exported),
        )
        % {"n": len(exported)}
    ]
    if skipped_codes:
        header.append(
            "// "
            + ngettext(
                "Se omitió %(n)s pregunta de ordenamiento (GIFT no las admite): "
                "%(codes)s.",
                "Se omitieron %(n)s preguntas de ordenamiento (GIFT no las admite): "
                "%(codes)s.",
                len(skipped_codes),
            )
            % {"n": len(skipped_codes), "codes": ", ".join(skipped_codes)}
        )
    return GiftExport(
        text="\n".join(header) + "\n\n" + text,
        exported=exported,
        skipped=skipped_codes,
    )


# ----------------------------------------------------------------- GIFT -> Question


def _content_data(question: gift.GiftQuestion) -> tuple[dict, list[str]]:
    """Our bank entry's type-specific part, and the problems found."""
    data, problems = registry.get(question.type).from_gift(question)
    return {"type": question.type, **data}, problems


def _tags_of(question: gift.GiftQuestion) -> tuple[list[str] | None, list[str]]:
    """The tags in the metadata (None: the file says nothing of tags), and the
    problems found."""
    raw = dict(question.meta).get("tags")
    if raw is None:
        return None, []
    tags = [unquote(part).strip() for part in raw.split(",")]
    tags = list(dict.fromkeys(tag for tag in tags if tag))
    too_long = [tag for tag in tags if len(tag) > _MAX_TAG_CHARS]
    problems = [
        _("la etiqueta «%(tag)s…» pasa de %(max)s caracteres")
        % {"tag": tag[:30], "max": _MAX_TAG_CHARS}
        for tag in too_long
    ]
    return tags, problems


@dataclass
class _Pending:
    line: int
    gift: gift.GiftQuestion
    criterion: Criterion
    code: str | None
    difficulty: str | None
    level: str | None
    active: bool | None
    tags: list[str] | None
    content: dict


class _Importer:
    def __init__(
        self,
        questions: list[gift.GiftQuestion],
        default_criterion: Criterion | None = None,
    ):
        self.questions = questions
        self.default_criterion = default_criterion
        self.errors: list[tuple[int, str]] = []
        self.criteria: dict[str, list[Criterion]] = defaultdict(list)
        for criterion in Criterion.objects.select_related("standard", "element"):
            self.criteria[criterion.code].append(criterion)
        self.standards = {c.standard.code for cs in self.criteria.values() for c in cs}

    def error(self, line: int, reason: str) -> None:
        self.errors.append((line, reason))

    def candidates(self, question: gift.GiftQuestion, code: str) -> list[Criterion]:
        """The criteria called ``code``, in the question's standard if it names
        one (``standard=`` or a segment of its category)."""
        candidates = self.criteria.get(code, [])
        standard = dict(question.meta).get("standard") or next(
            (
                part.strip()
                for part in question.category.split("/")
                if part.strip() in self.standards
            ),
            None,
        )
        if standard:
            candidates = [c for c in candidates if c.standard.code == standard]
        return candidates

    def criterion_of(self, question: gift.GiftQuestion) -> Criterion | None:
        """The metadata's criterion (which must exist), else the category's last
        segment when it names one, else the import's default criterion."""
        code = dict(question.meta).get("criterion")
        line = question.line
        if code:
            candidates = self.candidates(question, code)
            if not candidates:
                self.error(line, _("el criterio «%(code)s» no existe") % {"code": code})
                return None
        else:
            code = question.category_criterion
            candidates = self.candidates(question, code) if code else []
            if not candidates:
                if self.default_criterion is not None:
                    return self.default_criterion
                self.error(
                    line,
                    _(
                        "falta el criterio: indícalo con 'criterion=' en el "
                        "comentario '// atiende:' o como último segmento de "
                        "'$CATEGORY:', o elige un criterio para las preguntas sin "
                        "criterio"
                    ),
                )
                return None
        if len(candidates) > 1:
            self.error(
                line,
                _(
                    "el criterio «%(code)s» existe en varios estándares: indica el "
                    "estándar con 'standard='"
                )
                % {"code": code},
            )
            return None
        criterion = candidates[0]
        element = dict(question.meta).get("element")
        actual = criterion.element.code if criterion.element_id else ""
        if element and element != actual:
            self.error(
                line,
                _("el criterio «%(criterion)s» no pertenece al elemento «%(element)s»")
                % {"criterion": code, "element": element},
            )
        return criterion

    def code_of(self, question: gift.GiftQuestion) -> str | None:
        meta_code = dict(question.meta).get("code")
        if meta_code is not None:
            if not CODE_RE.fullmatch(meta_code):
                self.error(
                    question.line,
                    _(
                        "código «%(code)s» no válido: usa letras, números, '.', '-' "
                        "o '_' (máximo 40 caracteres)"
                    )
                    % {"code": meta_code},
                )
            return meta_code
        if question.title and CODE_RE.fullmatch(question.title):
            return question.title
        return None  # a new code is made for it

    def choice_meta(self, question, key, allowed) -> str | None:
        value = dict(question.meta).get(key)
        if value is not None and value not in allowed:
            self.error(
                question.line,
                _("valor «%(value)s» no válido para '%(key)s': usa %(allowed)s")
                % {"value": value, "key": key, "allowed": ", ".join(allowed)},
            )
            return None
        return value

    def read(self) -> list[_Pending]:
        pending = []
        seen: dict[str, int] = {}
        for question in self.questions:
            errors_before = len(self.errors)
            criterion = self.criterion_of(question)
            code = self.code_of(question)
            if code is not None:
                if code in seen:
                    self.error(
                        question.line,
                        _(
                            "el código «%(code)s» se repite (ya está en la línea "
                            "%(line)s)"
                        )
                        % {"code": code, "line": seen[code]},
                    )
                seen.setdefault(code, question.line)
            difficulty = self.choice_meta(
                question, "difficulty", list(Question.Difficulty.values)
            )
            level = self.choice_meta(question, "level", list(Question.Level.values))
            active = self.choice_meta(question, "active", list(_BOOLEAN_META))
            tags, tag_problems = _tags_of(question)
            content, problems = _content_data(question)
            for problem in [*tag_problems, *problems]:
                self.error(question.line, problem)
            if len(self.errors) == errors_before:
                pending.append(
                    _Pending(
                        line=question.line,
                        gift=question,
                        criterion=criterion,
                        code=code,
                        difficulty=difficulty,
                        level=level,
                        active=_BOOLEAN_META.get(active) if active else None,
                        tags=tags,
                        content=content,
                    )
                )
        return pending


def _new_codes(pending: list[_Pending], taken: set[str]) -> None:
    counters: dict[str, int] = defaultdict(int)
    for item in pending:
        if item.code is not None:
            continue
        prefix = item.criterion.code
        while True:
            counters[prefix] += 1
            candidate = f"{prefix}-{counters[prefix]:03d}"
            if candidate not in taken:
                break
        taken.add(candidate)
        item.code = candidate


@transaction.atomic
def question_bank_import_gift(
    *,
    text: str,
    default_criterion: Criterion | None = None,
    skip_invalid: bool = False,
) -> GiftImportReport:
    """Create or update bank questions from a GIFT file.

    Every problem of the file is collected, each at the first line of its
    question. Unless ``skip_invalid``, any problem raises ``GiftImportError`` and
    nothing is saved; with it, the valid questions are saved and the others are
    listed in the report's ``skipped``. Questions with no criterion take
    ``default_criterion`` (if given). A question whose code exists is updated
    only if no attempt has shown it yet: an answered question is edited in the
    admin, where the edit becomes a new version for future attempts.
    """
    read = gift.read_gift(text)
    if not read.questions and not read.errors:
        raise GiftImportError([(1, _("el archivo no contiene preguntas"))])
    importer = _Importer(read.questions, default_criterion)
    importer.errors += read.errors
    pending = importer.read()
    codes = {item.code for item in pending if item.code}
    existing = {q.code: q for q in Question.objects.filter(code__in=codes)}
    answered = set(
        Response.objects.filter(version__question__code__in=codes)
        .values_list("version__question__code", flat=True)
        .distinct()
    )
    taken = set(Question.objects.values_list("code", flat=True)) | codes
    _new_codes(pending, taken)
    to_save: list[tuple[Question, list[str] | None, bool]] = []
    for item in pending:
        question, problems = _question_from(item, existing, answered)
        for problem in problems:
            importer.error(item.line, problem)
        if not problems:
            to_save.append((question, item.tags, item.code not in existing))
    if importer.errors and not skip_invalid:
        raise GiftImportError(importer.errors)
    report = GiftImportReport(
        skipped=sorted(importer.errors, key=lambda error: error[0])
    )
    for question, tags, is_new in to_save:
        _save(question, tags)
        (report.created if is_new else report.updated).append(question.code)
    return report


def _question_from(
    item: _Pending, existing: dict[str, Question], answered: set[str]
) -> tuple[Question, list[str]]:
    """The bank question a valid GIFT question makes (new or updated, unsaved)
    and the problems that keep it from being saved."""
    if item.code in answered:
        message = _(
            "la pregunta %(code)s ya fue respondida; edítala en el administrador"
        ) % {"code": item.code}
        return existing[item.code], [message]
    question = existing.get(item.code) or Question(code=item.code)
    question.criterion = item.criterion
    question.stem = item.gift.stem
    question.feedback = item.gift.feedback
    question.text_format = item.gift.text_format
    if item.difficulty is not None:
        question.difficulty = item.difficulty
    if item.level is not None:
        question.knowledge_level = item.level
    if item.active is not None:
        question.active = item.active
    try:
        question.content = content_from_data({**item.content, "code": item.code})
    except (KeyError, TypeError, ValueError) as error:
        return question, [str(error)]
    return question, question_problems(question)


def _save(question: Question, tags: list[str] | None) -> None:
    """Save one question (and its tags, when the file gave them)."""
    try:
        with transaction.atomic():
            question.save()
            if tags is not None:
                question.tags.set(tags)
                question.save()
    except IntegrityError as error:
        # Another import (or an edit) took the code meanwhile: nothing is kept.
        raise GiftImportError(
            [
                (
                    1,
                    _(
                        "el código %(code)s se acaba de usar en otra parte; "
                        "vuelve a importar el archivo"
                    )
                    % {"code": question.code},
                )
            ]
        ) from error

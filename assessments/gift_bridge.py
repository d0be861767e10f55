"""The question bank in GIFT: our questions as ``gift.GiftQuestion`` and back, and
the two services trainers use from the admin (import and export).

``gift.py`` knows GIFT and nothing of the database; this module knows both. The
mapping of each type is in its class (``to_gift`` / ``from_gift`` in
assessments/question_types): single, multiple, situational, true/false and
matching map to GIFT's own forms; ``ordering`` cannot be written in GIFT: export
skips it and says how many it skipped.

Metadata travels in the ``// atiende:`` comment (``code``, ``standard``,
``element``, ``criterion``, ``difficulty`` and ``active=false`` for inactive
questions). A file from elsewhere may instead give the criterion as the last
segment of ``$CATEGORY:`` and the code as the ``::title::``; a question with
neither a usable code nor title gets a new code ``<criterion>-NNN``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

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


@dataclass
class GiftExport:
    text: str
    exported: list[str]
    skipped: list[str]  # codes of the ordering questions left out


# ----------------------------------------------------------------- Question -> GIFT


def gift_from_question(question: Question) -> gift.GiftQuestion | None:
    """The question as GIFT carries it, or None for a type GIFT cannot express
    (ordering). Needs ``criterion__element`` and ``criterion__standard`` loaded."""
    criterion = question.criterion
    meta = [("code", question.code), ("standard", criterion.standard.code)]
    if criterion.element_id:
        meta.append(("element", criterion.element.code))
    meta += [("criterion", criterion.code), ("difficulty", question.difficulty)]
    if not question.active:
        meta.append(("active", "false"))
    common = {
        "stem": question.stem,
        "title": question.code,
        "feedback": question.feedback,
        "meta": tuple(meta),
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


@dataclass
class _Pending:
    line: int
    gift: gift.GiftQuestion
    criterion: Criterion
    code: str | None
    difficulty: str | None
    active: bool | None
    content: dict


class _Importer:
    def __init__(self, questions: list[gift.GiftQuestion]):
        self.questions = questions
        self.errors: list[tuple[int, str]] = []
        self.criteria: dict[str, list[Criterion]] = defaultdict(list)
        for criterion in Criterion.objects.select_related("standard", "element"):
            self.criteria[criterion.code].append(criterion)
        self.standards = {c.standard.code for cs in self.criteria.values() for c in cs}

    def error(self, line: int, reason: str) -> None:
        self.errors.append((line, reason))

    def criterion_of(self, question: gift.GiftQuestion) -> Criterion | None:
        meta = dict(question.meta)
        code = meta.get("criterion")
        line = question.line
        if not code:
            self.error(
                line,
                _(
                    "falta el criterio: indícalo con 'criterion=' en el comentario "
                    "'// atiende:' o como último segmento de '$CATEGORY:'"
                ),
            )
            return None
        candidates = self.criteria.get(code, [])
        standard = meta.get("standard") or next(
            (
                part.strip()
                for part in question.category.split("/")
                if part.strip() in self.standards
            ),
            None,
        )
        if standard:
            candidates = [c for c in candidates if c.standard.code == standard]
        if not candidates:
            self.error(line, _("el criterio «%(code)s» no existe") % {"code": code})
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
        element = meta.get("element")
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
            active = self.choice_meta(question, "active", list(_BOOLEAN_META))
            content, problems = _content_data(question)
            for problem in problems:
                self.error(question.line, problem)
            if len(self.errors) == errors_before:
                pending.append(
                    _Pending(
                        line=question.line,
                        gift=question,
                        criterion=criterion,
                        code=code,
                        difficulty=difficulty,
                        active=_BOOLEAN_META.get(active) if active else None,
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
def question_bank_import_gift(*, text: str) -> GiftImportReport:
    """Create or update bank questions from a GIFT file, all or nothing.

    Every error of the file is collected (line number and reason) and raised as
    ``GiftImportError``; then nothing is saved. A question whose code exists is
    updated only if no attempt has shown it yet: an answered question is edited
    in the admin, where the edit becomes a new version for future attempts.
    """
    try:
        parsed = gift.parse_gift(text)
    except gift.GiftError as error:
        raise GiftImportError(error.errors) from error
    if not parsed:
        raise GiftImportError([(1, _("el archivo no contiene preguntas"))])
    importer = _Importer(parsed)
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
    report = GiftImportReport()
    to_save: list[tuple[Question, bool]] = []
    for item in pending:
        if item.code in answered:
            importer.error(
                item.line,
                _("la pregunta %(code)s ya fue respondida; edítala en el administrador")
                % {"code": item.code},
            )
            continue
        question = existing.get(item.code)
        is_new = question is None
        if is_new:
            question = Question(code=item.code)
        question.criterion = item.criterion
        question.stem = item.gift.stem
        question.feedback = item.gift.feedback
        if item.difficulty is not None:
            question.difficulty = item.difficulty
        if item.active is not None:
            question.active = item.active
        try:
            question.content = content_from_data({**item.content, "code": item.code})
        except (KeyError, TypeError, ValueError) as error:
            importer.error(item.line, str(error))
            continue
        for message in question_problems(question):
            importer.error(item.line, message)
        to_save.append((question, is_new))
    if importer.errors:
        raise GiftImportError(importer.errors)
    for question, is_new in to_save:
        try:
            with transaction.atomic():
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
        (report.created if is_new else report.updated).append(question.code)
    return report

"""The question bank: each question type's rules (QuestionContentBlock), loading the
bank from data (question_bank_load: all-or-nothing, idempotent, never touching an
answered question) and the shipped EC0305 bank."""

from collections import Counter

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from assessments import payloads
from assessments.attempt_services import attempt_save_answer, attempt_start
from assessments.models import Question, QuestionVersion
from assessments.question_blocks import QuestionContentBlock
from assessments.question_services import (
    QuestionDataError,
    content_from_data,
    question_bank_load,
    question_fingerprint,
)
from portal.content import QUESTIONS_FILE
from standards.models import Criterion
from tests.factories import (
    QUESTION_TYPES,
    CriterionFactory,
    LearnerFactory,
    QuestionFactory,
    answer_for,
    build_assessment,
    question_data,
)

pytestmark = pytest.mark.django_db

CUSTOMER_TAGS = {
    "cliente-dominante",
    "cliente-hablador",
    "cliente-indeciso",
    "cliente-sabelotodo",
    "cliente-impaciente",
    "cliente-reservado",
    "cliente-lento",
    "cliente-grosero",
}
CRISIS_TAG = "cliente-en-crisis"
KNOWLEDGE_CODES = [f"K{n:02d}" for n in range(1, 18)]


def shipped_entries() -> list[dict]:
    """The shipped bank's questions, without the entries that retire old codes."""
    with QUESTIONS_FILE.open(encoding="utf-8") as handle:
        return [data for data in yaml.safe_load(handle) if not data.get("retired")]


# ------------------------------------------------------------ block rules


def block_messages(error: ValidationError) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, dict):
            found.extend(node.get("messages", []))
            children = node.get("blockErrors", {})
            for child in children.values() if isinstance(children, dict) else children:
                walk(child)

    walk(error.as_json_data())
    return found


def clean(data: dict, code: str = "T-001"):
    """Run the content block's own validation over a bank entry's content."""
    block = QuestionContentBlock()
    return block.clean(block.to_python(content_from_data({**data, "code": code})))


def options(*pairs):
    return [{"text": text, "correct": correct} for text, correct in pairs]


def situational(*credits, texts=("Escuchar", "Pedir calma", "Llamar al jefe")):
    return {
        "type": "situational",
        "options": [
            {"text": text, "credit": credit, "feedback": "Porque sí."}
            for text, credit in zip(texts, credits, strict=True)
        ],
    }


ONE_RIGHT = "Una pregunta de opción única tiene exactamente una correcta."
RIGHT_AND_WRONG = "Marca al menos una opción correcta y al menos una incorrecta."
REPEATED_OPTIONS = "Las opciones se repiten."
FULL_CREDIT = "Al menos una opción debe valer 100 %."

INVALID_BLOCKS = [
    (
        "single-none-right",
        {"type": "single", "options": options(("A", False), ("B", False))},
        ONE_RIGHT,
    ),
    (
        "single-two-right",
        {"type": "single", "options": options(("A", True), ("B", True), ("C", 0))},
        ONE_RIGHT,
    ),
    (
        "single-repeated-text",
        {"type": "single", "options": options(("Sí", True), (" sí ", False))},
        REPEATED_OPTIONS,
    ),
    (
        "multiple-none-right",
        {"type": "multiple", "options": options(("A", 0), ("B", 0), ("C", 0))},
        RIGHT_AND_WRONG,
    ),
    (
        "multiple-all-right",
        {"type": "multiple", "options": options(("A", 1), ("B", 1), ("C", 1))},
        RIGHT_AND_WRONG,
    ),
    (
        "multiple-repeated-text",
        {"type": "multiple", "options": options(("A", 1), ("B", 0), ("a", 0))},
        REPEATED_OPTIONS,
    ),
    (
        "matching-repeated-prompt",
        {
            "type": "matching",
            "pairs": [
                {"prompt": "Lento", "match": "Paciencia"},
                {"prompt": "LENTO", "match": "Rapidez"},
            ],
        },
        "Los enunciados se repiten.",
    ),
    (
        "matching-repeated-match",
        {
            "type": "matching",
            "pairs": [
                {"prompt": "Lento", "match": "Paciencia"},
                {"prompt": "Impaciente", "match": "paciencia "},
            ],
        },
        "Las parejas se repiten.",
    ),
    (
        "ordering-repeated-item",
        {"type": "ordering", "items": ["Saludar", "Escuchar", "saludar"]},
        "Los elementos se repiten.",
    ),
    (
        "ordering-two-items",
        {"type": "ordering", "items": ["Saludar", "Despedir"]},
        "Un ordenamiento necesita al menos 3 elementos.",
    ),
    ("situational-no-full-credit", situational("1/2", "0", "0"), FULL_CREDIT),
    (
        "situational-repeated-text",
        situational("1", "0", "0", texts=("Escuchar", "Pedir calma", "escuchar")),
        REPEATED_OPTIONS,
    ),
]


@pytest.mark.parametrize(
    ("data", "message"),
    [case[1:] for case in INVALID_BLOCKS],
    ids=[case[0] for case in INVALID_BLOCKS],
)
def test_a_block_that_breaks_its_type_rule_is_rejected(data, message):
    """Each type's rule: single exactly one right; multiple at least one right and
    one wrong; matching unique prompts and matches; ordering at least three
    unique items;
    situational one option at 100 %; option texts never repeated (ignoring case and
    surrounding spaces). The error names the broken rule."""
    with pytest.raises(ValidationError) as caught:
        clean(data)
    assert gettext(message) in block_messages(caught.value)


VALID_BLOCKS = [
    *((kind, question_data(kind)) for kind in QUESTION_TYPES),
    ("single-two-options", {"type": "single", "options": options(("A", 1), ("B", 0))}),
    (
        "multiple-one-right-two-wrong",
        {"type": "multiple", "options": options(("A", 1), ("B", 0), ("C", 0))},
    ),
    (
        "multiple-two-wrong-one-right",
        {"type": "multiple", "options": options(("A", 0), ("B", 1), ("C", 1))},
    ),
    ("true-false-false", {"type": "true_false", "answer": False}),
    ("situational-two-full-credit", situational("1", "1", "0")),
]


@pytest.mark.parametrize(
    "data", [case[1] for case in VALID_BLOCKS], ids=[case[0] for case in VALID_BLOCKS]
)
def test_a_block_that_keeps_its_type_rule_is_accepted(data):
    """Content within its type's rules cleans without error, keeping its type."""
    cleaned = clean(data)
    assert [block.block_type for block in cleaned] == [data["type"]]


def test_a_question_has_exactly_one_content_block():
    """A question's content is one block (its type): none or two are rejected."""
    block = QuestionContentBlock()
    one = content_from_data({**question_data("single"), "code": "T-001"})
    two = one + content_from_data({**question_data("true_false"), "code": "T-002"})
    for raw in ([], two):
        with pytest.raises(ValidationError):
            block.clean(block.to_python(raw))
    block.clean(block.to_python(one))


# ------------------------------------------------------------ loading


def entry(code: str, criterion: Criterion, kind: str = "single", **fields) -> dict:
    return {
        "code": code,
        "criterion": criterion.code,
        "stem": f"Enunciado de {code}",
        "feedback": "Retroalimentación.",
        "difficulty": "easy",
        **question_data(kind),
        **fields,
    }


def test_a_first_load_creates_every_entry_with_its_tags():
    """Entries of every type become questions with their criterion, stem, feedback,
    difficulty, content and tags."""
    criterion = CriterionFactory()
    entries = [
        entry(f"T-{kind}", criterion, kind, tags=[CRISIS_TAG])
        for kind in QUESTION_TYPES
    ]

    report = question_bank_load(entries=entries)

    assert (report.created, report.updated, report.unchanged) == (6, 0, 0)
    assert report.kept == []
    for data in entries:
        question = Question.objects.get(code=data["code"])
        assert question.type == data["type"]
        assert question.criterion == criterion
        assert (question.stem, question.feedback, question.difficulty) == (
            data["stem"],
            "Retroalimentación.",
            "easy",
        )
        assert list(question.tags.names()) == [CRISIS_TAG]


def test_a_second_load_of_the_same_data_changes_nothing():
    """Loading the same entries again creates and updates nothing, and leaves the
    rows untouched (same updated_at)."""
    criterion = CriterionFactory()
    entries = [entry(f"T-{kind}", criterion, kind) for kind in QUESTION_TYPES]
    question_bank_load(entries=entries)
    stamps = dict(Question.objects.values_list("code", "updated_at"))

    report = question_bank_load(entries=entries)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 6)
    assert report.kept == []
    assert dict(Question.objects.values_list("code", "updated_at")) == stamps


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"stem": "Otro enunciado"}, id="stem"),
        pytest.param({"feedback": "Otra"}, id="feedback"),
        pytest.param({"difficulty": "hard"}, id="difficulty"),
        pytest.param(question_data("single", right=2), id="key"),
        pytest.param({"tags": ["cliente-lento"]}, id="tags"),
    ],
)
def test_an_unanswered_question_follows_changed_data(change):
    """A question nobody answered takes the changed data on the next load (stem,
    feedback, difficulty, key or tags) and is counted as updated."""
    criterion = CriterionFactory()
    question_bank_load(entries=[entry("T-1", criterion, tags=[CRISIS_TAG])])

    changed = {**entry("T-1", criterion, tags=[CRISIS_TAG]), **change}
    report = question_bank_load(entries=[changed])

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    question = Question.objects.get(code="T-1")
    assert question.stem == changed["stem"]
    assert question.feedback == changed["feedback"]
    assert question.difficulty == changed["difficulty"]
    assert list(question.tags.names()) == changed["tags"]
    assert question.content.get_prep_value() == content_from_data(changed)


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda q: setattr(q, "stem", "Editada en el admin"), id="stem"),
        pytest.param(lambda q: setattr(q, "difficulty", "hard"), id="difficulty"),
        pytest.param(lambda q: q.tags.add("nueva-etiqueta"), id="tags"),
    ],
)
def test_a_question_a_person_edited_since_the_load_is_kept(edit):
    """A trainer's edit of a loaded (unanswered) question survives the next load,
    even when the data changed too; the question is reported as kept."""
    criterion = CriterionFactory()
    question_bank_load(entries=[entry("T-1", criterion)])
    question = Question.objects.get(code="T-1")
    edit(question)
    question.save()
    edited = question_fingerprint(question, question.tags.names())

    report = question_bank_load(entries=[entry("T-1", criterion, feedback="Nueva")])

    assert report.kept == ["T-1"]
    assert (report.created, report.updated, report.unchanged) == (0, 0, 0)
    question = Question.objects.get(code="T-1")
    assert question.feedback == "Retroalimentación."
    assert question_fingerprint(question, question.tags.names()) == edited


def test_a_question_made_in_the_admin_is_taken_over_by_a_bank_entry():
    """A question with the same code that the loader never wrote (no fingerprint)
    and nobody answered follows the bank data."""
    criterion = CriterionFactory()
    QuestionFactory(code="T-1", criterion=criterion, stem="Hecha a mano")

    report = question_bank_load(entries=[entry("T-1", criterion)])

    assert (report.updated, report.kept) == (1, [])
    assert Question.objects.get(code="T-1").stem == "Enunciado de T-1"


def test_an_answered_question_is_kept_as_it_is():
    """A question shown in an attempt is reported as kept and left unchanged (no
    new version either), while the other entries of the same load still apply."""
    assessment, _elements, bank = build_assessment(questions=(1,))
    (question,) = bank[0]
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    response = attempt.responses.get()
    attempt_save_answer(
        attempt=attempt, position=1, raw_answer=answer_for(response.version.payload)
    )
    before = Question.objects.values().get(pk=question.pk)
    content_before = question.content.get_prep_value()
    other = CriterionFactory()

    report = question_bank_load(
        entries=[
            entry(question.code, question.criterion, "true_false", stem="Editada"),
            entry("T-new", other),
        ]
    )

    assert report.kept == [question.code]
    assert (report.created, report.updated) == (1, 0)
    question.refresh_from_db()
    assert Question.objects.values().get(pk=question.pk) == before
    assert question.content.get_prep_value() == content_before
    assert QuestionVersion.objects.filter(question=question).count() == 1
    assert Question.objects.filter(code="T-new").exists()


BAD_ENTRIES = [
    ("unknown-criterion", {"criterion": "K99"}),
    (
        "single-two-right",
        {"options": options(("A", True), ("B", True), ("C", False))},
    ),
    ("single-none-right", {"options": options(("A", False), ("B", False))}),
    ("repeated-options", {"options": options(("A", True), ("a", False))}),
    ("no-full-credit", situational("1/2", "0", "0")),
    ("credit-not-a-percent", situational("1", "1/3", "0")),
    ("unknown-type", {"type": "essay"}),
    ("missing-options", {"type": "matching"}),
    ("missing-stem", {"stem": None}),
    ("bad-difficulty", {"difficulty": "impossible"}),
    ("two-item-ordering", {"type": "ordering", "items": ["Saludar", "Despedir"]}),
]


@pytest.mark.parametrize(
    "bad", [case[1] for case in BAD_ENTRIES], ids=[case[0] for case in BAD_ENTRIES]
)
def test_one_invalid_entry_rejects_the_whole_load(bad):
    """An entry that breaks the bank's rules makes the load raise QuestionDataError
    naming that entry's code, and nothing of the load is saved: neither the valid
    new entries nor the updates."""
    criterion = CriterionFactory()
    question_bank_load(entries=[entry("T-old", criterion)])
    before = list(Question.objects.values().order_by("pk"))
    bad_entry = {**entry("T-bad", criterion), **bad}
    if bad_entry["stem"] is None:
        del bad_entry["stem"]

    with pytest.raises(QuestionDataError) as caught:
        question_bank_load(
            entries=[
                entry("T-good", criterion),
                entry("T-old", criterion, stem="Cambiada"),
                bad_entry,
            ]
        )

    assert caught.value.errors
    assert all(error.startswith("T-bad: ") for error in caught.value.errors)
    assert list(Question.objects.values().order_by("pk")) == before


def test_the_load_says_an_ordering_needs_three_items():
    """A two-item ordering in the bank's data is refused with the editor's
    message; three items load."""
    criterion = CriterionFactory()
    two = {**entry("T-two", criterion), "type": "ordering", "items": ["A", "B"]}
    with pytest.raises(QuestionDataError) as caught:
        question_bank_load(entries=[two])
    assert caught.value.errors == [
        "T-two: " + gettext("Un ordenamiento necesita al menos 3 elementos.")
    ]
    question_bank_load(entries=[{**two, "items": ["A", "B", "C"]}])
    assert Question.objects.get(code="T-two").type == "ordering"


def test_every_invalid_entry_is_reported_and_duplicate_codes_are_invalid():
    """The error list names every bad entry, not only the first; a code used twice
    is one of them (instead of a database error halfway through)."""
    criterion = CriterionFactory()

    with pytest.raises(QuestionDataError) as caught:
        question_bank_load(
            entries=[
                entry("T-1", criterion),
                {**entry("T-2", criterion), "criterion": "K99"},
                entry("T-1", criterion, stem="Otra"),
                {**entry("T-3", criterion), **situational("0", "0", "0")},
            ]
        )

    assert [error.split(":")[0] for error in caught.value.errors] == [
        "T-2",
        "T-1",
        "T-3",
    ]
    assert "duplicate" in caught.value.errors[1]
    assert not Question.objects.filter(code__startswith="T-").exists()


# ------------------------------------------------------------ retired codes


def retired(code: str) -> dict:
    return {"code": code, "retired": True}


def test_a_retired_code_deactivates_the_question_once():
    """A retired entry deactivates the loaded question with that code (reported in
    ``retired``) in the same load that creates its replacement. It does so once: a
    later load reports nothing, and a question a person switched back on stays
    on."""
    criterion = CriterionFactory()
    question_bank_load(entries=[entry("T-old", criterion)])

    report = question_bank_load(entries=[retired("T-old"), entry("T-new", criterion)])

    assert (report.created, report.retired, report.kept) == (1, ["T-old"], [])
    assert not Question.objects.get(code="T-old").active
    assert Question.objects.get(code="T-new").active

    again = question_bank_load(entries=[retired("T-old"), entry("T-new", criterion)])
    assert (again.retired, again.unchanged) == ([], 1)

    Question.objects.filter(code="T-old").update(active=True)
    question_bank_load(entries=[retired("T-old"), entry("T-new", criterion)])
    assert Question.objects.get(code="T-old").active


def test_a_retired_answered_question_keeps_what_attempts_showed():
    """Retiring an answered question only deactivates it: its stem, content and
    versions stay as the attempt showed them."""
    assessment, _elements, bank = build_assessment(questions=(1,))
    (question,) = bank[0]
    question_bank_load(
        entries=[entry(question.code, question.criterion, stem=question.stem)]
    )
    attempt = attempt_start(learner=LearnerFactory(), assessment=assessment)
    attempt_save_answer(
        attempt=attempt,
        position=1,
        raw_answer=answer_for(attempt.responses.get().version.payload),
    )
    question.refresh_from_db()
    content_before = question.content.get_prep_value()

    report = question_bank_load(entries=[retired(question.code)])

    question.refresh_from_db()
    assert report.retired == [question.code]
    assert not question.active
    assert question.content.get_prep_value() == content_before
    assert QuestionVersion.objects.filter(question=question).count() == 1


def test_a_retired_code_leaves_alone_what_the_bank_did_not_write():
    """A retired code creates nothing where it was never loaded, and it does not
    deactivate a question a person made with that code (admin, GIFT) or edited
    since the load; the edited one is reported as kept."""
    criterion = CriterionFactory()
    QuestionFactory(code="T-made", criterion=criterion)
    question_bank_load(entries=[entry("T-edited", criterion)])
    edited = Question.objects.get(code="T-edited")
    edited.stem = "Editada en el admin"
    edited.save()

    report = question_bank_load(
        entries=[retired("T-never"), retired("T-made"), retired("T-edited")]
    )

    assert (report.retired, report.kept) == ([], ["T-edited"])
    assert not Question.objects.filter(code="T-never").exists()
    assert Question.objects.get(code="T-made").active
    assert Question.objects.get(code="T-edited").active


def test_a_code_cannot_be_both_retired_and_loaded():
    """Retiring a code and loading an entry with the same code is a duplicate code:
    the load is rejected and nothing changes."""
    criterion = CriterionFactory()
    question_bank_load(entries=[entry("T-1", criterion)])

    with pytest.raises(QuestionDataError) as caught:
        question_bank_load(entries=[entry("T-1", criterion), retired("T-1")])

    assert caught.value.errors == ["T-1: duplicate code"]
    assert Question.objects.get(code="T-1").active


# ------------------------------------------------------------ the shipped bank


def test_loading_the_shipped_bank_again_changes_nothing(initial_data):
    """The shipped questions.yaml, loaded again over the seeded bank, creates and
    updates nothing and writes no row: every entry is unchanged, or kept because it
    was answered (the demo data holds a submitted attempt)."""
    with QUESTIONS_FILE.open(encoding="utf-8") as handle:
        everything = yaml.safe_load(handle)
    entries = shipped_entries()
    stamps = dict(Question.objects.values_list("code", "updated_at"))
    answered = set(
        QuestionVersion.objects.filter(responses__isnull=False).values_list(
            "question__code", flat=True
        )
    )

    report = question_bank_load(entries=everything)

    assert (report.created, report.updated, report.retired) == (0, 0, [])
    assert set(report.kept) == answered
    assert report.unchanged + len(report.kept) == len(entries)
    assert dict(Question.objects.values_list("code", "updated_at")) == stamps


def test_every_shipped_question_is_valid(initial_data):
    """Every seeded question passes its type's block rules and the model's own
    validation, belongs to an element (so it can be drawn), and freezes into a
    payload whose answer key the grader accepts."""
    codes = [data["code"] for data in shipped_entries()]
    questions = list(
        Question.objects.filter(code__in=codes).select_related("criterion")
    )
    assert len(questions) == len(codes) == len(set(codes))
    for question in questions:
        question.content.stream_block.clean(question.content)
        question.full_clean(exclude=["tags"])
        assert question.criterion.element_id is not None, question.code
        payload = payloads.payload_from_content(
            stem=question.stem, feedback=question.feedback, content=question.content
        )
        key = payloads.answer_key(payload)
        assert key.type == question.type, question.code


def test_the_shipped_bank_covers_the_standard(initial_data):
    """At least 90 questions; each knowledge criterion K01-K17 has at least 3; each
    of the six types at least 5; and situational questions cover the 8 customer
    types and the customer in crisis by tag."""
    codes = [data["code"] for data in shipped_entries()]
    questions = list(
        Question.objects.filter(code__in=codes, active=True)
        .select_related("criterion")
        .prefetch_related("tags")
    )
    assert len(questions) >= 90

    per_criterion = Counter(q.criterion.code for q in questions)
    assert {code: per_criterion[code] for code in KNOWLEDGE_CODES} == {
        code: max(per_criterion[code], 3) for code in KNOWLEDGE_CODES
    }

    per_type = Counter(q.type for q in questions)
    assert set(per_type) == set(QUESTION_TYPES)
    assert min(per_type.values()) >= 5, per_type

    situational_tags = {
        tag.name for q in questions if q.type == "situational" for tag in q.tags.all()
    }
    assert CUSTOMER_TAGS | {CRISIS_TAG} <= situational_tags

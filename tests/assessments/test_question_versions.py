"""Question versions: a question is frozen into a numbered version when it is drawn;
an edit makes a new version on the next draw, and attempts keep the version they
showed."""

import copy

import pytest

from assessments import frozen_versions, payloads
from assessments.attempt_services import attempt_start, attempt_submit
from assessments.models import Question, QuestionVersion, Response
from assessments.question_services import content_from_data, question_version_current
from courses.content_cache import Memo
from tests.factories import (
    CriterionFactory,
    LearnerFactory,
    QuestionFactory,
    build_assessment,
    question_data,
)

pytestmark = pytest.mark.django_db


def fresh(question: Question) -> Question:
    """The question as stored, as a trainer's next edit or the next draw sees it."""
    return Question.objects.get(pk=question.pk)


def set_data(question: Question, data: dict) -> None:
    question.content = content_from_data({**data, "code": question.code})
    question.save()


# ------------------------------------------------------------------- edits

EDITS = {
    "stem": lambda q: setattr(q, "stem", q.stem + " (corregido)"),
    "feedback": lambda q: setattr(q, "feedback", "Otra retroalimentación."),
    "option text": lambda q: set_data(
        q,
        {
            **question_data("single"),
            "options": [
                {"text": "Saludar con su nombre y cargo", "correct": True},
                {"text": "Ignorar al cliente", "correct": False},
                {"text": "Interrumpirlo", "correct": False},
            ],
        },
    ),
    "key": lambda q: set_data(q, question_data("single", right=2)),
    "criterion": lambda q: setattr(
        q, "criterion", CriterionFactory(element=q.criterion.element)
    ),
    "type": lambda q: set_data(q, question_data("true_false")),
}


def apply(edit: str, question: Question) -> Question:
    question = fresh(question)
    EDITS[edit](question)
    question.save()
    return fresh(question)


# ------------------------------------------------------------------- tests


def test_first_draw_makes_version_1_and_later_draws_reuse_it():
    """question_version_current freezes the question as version 1 (its payload,
    content hash and criterion) and returns that same row while nothing changes."""
    question = QuestionFactory(kind="multiple")
    assert not QuestionVersion.objects.filter(question=question).exists()

    first = question_version_current(question=question)
    again = question_version_current(question=fresh(question))

    assert first.number == 1
    assert again.pk == first.pk
    assert QuestionVersion.objects.filter(question=question).count() == 1
    expected = payloads.payload_from_content(
        stem=question.stem, feedback=question.feedback, content=question.content
    )
    assert first.payload == expected
    assert first.type == "multiple"
    assert first.criterion_id == question.criterion_id
    assert first.content_hash == payloads.payload_hash(expected, question.criterion_id)


@pytest.mark.parametrize("edit", sorted(EDITS))
def test_an_edit_makes_version_2_on_the_next_draw(edit):
    """Editing the stem, feedback, an option, the key, the criterion or the type
    makes version 2 at the next draw; version 1 is left exactly as it was."""
    question = QuestionFactory(kind="single")
    v1 = question_version_current(question=question)
    v1_payload = copy.deepcopy(v1.payload)

    edited = apply(edit, question)
    # Saving an edit does not make a version by itself: the next draw does.
    assert QuestionVersion.objects.filter(question=question).count() == 1
    v2 = question_version_current(question=edited)

    assert v2.pk != v1.pk
    assert v2.number == 2
    assert v2.criterion_id == edited.criterion_id
    assert v2.payload == payloads.payload_from_content(
        stem=edited.stem, feedback=edited.feedback, content=edited.content
    )
    v1.refresh_from_db()
    assert v1.payload == v1_payload
    assert question_version_current(question=fresh(edited)).pk == v2.pk


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda q: None, id="saved-unchanged"),
        pytest.param(lambda q: setattr(q, "difficulty", "hard"), id="difficulty"),
        pytest.param(lambda q: setattr(q, "active", False), id="active"),
        pytest.param(lambda q: q.tags.add("cliente-lento"), id="tags"),
    ],
)
def test_what_learners_do_not_see_makes_no_new_version(change):
    """Saving a question unchanged, or changing only what the learner never sees
    (difficulty, active flag, tags), keeps the same version."""
    question = QuestionFactory(kind="matching")
    v1 = question_version_current(question=question)

    question = fresh(question)
    change(question)
    question.save()

    assert question_version_current(question=fresh(question)).pk == v1.pk
    assert QuestionVersion.objects.filter(question=question).count() == 1


def test_version_numbers_grow_by_one_and_a_revert_reuses_the_old_version():
    """Each new content gets the next number (1, 2, 3 ...); going back to a content
    already frozen reuses its version instead of numbering it again, and the next
    new content still gets a number above all the others."""
    question = QuestionFactory(kind="single")
    numbers = [question_version_current(question=question).number]
    for right in (1, 2):
        set_data(question, question_data("single", right=right))
        numbers.append(question_version_current(question=fresh(question)).number)
    assert numbers == [1, 2, 3]

    set_data(question, question_data("single", right=0))
    assert question_version_current(question=fresh(question)).number == 1

    question.stem = "Un enunciado nuevo"
    question.save()
    assert question_version_current(question=fresh(question)).number == 4
    assert list(
        QuestionVersion.objects.filter(question=question).values_list(
            "number", flat=True
        )
    ) == [1, 2, 3, 4]


def test_an_attempt_keeps_the_version_it_showed_after_an_edit():
    """An attempt's responses point to the version drawn at its start: editing the
    question later changes neither that version's payload nor the response; the
    learner's next attempt is drawn with the new version."""
    assessment, _elements, bank = build_assessment(
        questions=(1,), kinds=("single",), attempts_allowed=0
    )
    (question,) = bank[0]
    learner = LearnerFactory()
    first = attempt_start(learner=learner, assessment=assessment)
    shown = first.responses.get()
    shown_payload = copy.deepcopy(shown.version.payload)
    assert shown.version.number == 1

    question = fresh(question)
    question.stem = "¿Qué se hace primero al recibir a un cliente?"
    set_data(question, question_data("single", right=1))
    attempt_submit(attempt=first)
    second = attempt_start(learner=learner, assessment=assessment)

    shown = Response.objects.get(pk=shown.pk)
    assert shown.version.number == 1
    assert shown.version.payload == shown_payload
    assert shown.key_version_id == shown.version_id
    new = second.responses.get()
    assert new.version.number == 2
    assert (
        new.version.payload["stem"] == "¿Qué se hace primero al recibir a un cliente?"
    )
    assert [o["correct"] for o in new.version.payload["options"]] == [
        False,
        True,
        False,
    ]


def test_an_unchanged_question_is_shown_with_the_same_version_in_every_attempt():
    """Two learners' attempts (and a learner's next attempt) over an unchanged bank
    share one version per question: drawing never duplicates versions."""
    assessment, _elements, bank = build_assessment(
        questions=(3,), kinds=("single", "ordering", "situational")
    )
    first = attempt_start(learner=LearnerFactory(), assessment=assessment)
    other = attempt_start(learner=LearnerFactory(), assessment=assessment)

    assert set(first.responses.values_list("version", flat=True)) == set(
        other.responses.values_list("version", flat=True)
    )
    assert QuestionVersion.objects.filter(question__in=bank[0]).count() == 3
    assert set(
        QuestionVersion.objects.filter(question__in=bank[0]).values_list(
            "number", flat=True
        )
    ) == {1}


def _key_of(version):
    return frozen_versions.version_keys({version.content_hash: version.pk})[
        version.content_hash
    ]


def test_a_versions_answer_key_is_kept_per_content_and_follows_an_edit():
    """``frozen_versions.version_keys`` (saving and grading) keeps one key per version
    content: the same key object for the same version, the key of its own
    payload for each version, so an edited key is never served the old one."""
    question = QuestionFactory(kind="single")
    v1 = question_version_current(question=question)
    v2 = question_version_current(question=apply("key", question))
    assert v1.content_hash != v2.content_hash

    first = _key_of(v1)
    assert first == payloads.answer_key(v1.payload)
    assert _key_of(QuestionVersion.objects.get(pk=v1.pk)) is first
    second = _key_of(v2)
    assert second == payloads.answer_key(v2.payload)
    assert second != first


def test_the_kept_answer_keys_are_bounded(monkeypatch):
    """The process keeps at most its limit of keys, the latest used."""
    monkeypatch.setattr(payloads, "version_keys", Memo(size=2))
    versions = [
        question_version_current(question=QuestionFactory(kind="single"))
        for _ in range(3)
    ]
    assert len({version.content_hash for version in versions}) == 3
    for version in versions:
        _key_of(version)
    kept = payloads.version_keys
    assert [kept.get(version.content_hash) is not None for version in versions] == [
        False,
        True,
        True,
    ]

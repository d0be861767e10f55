"""Observation capture on the tablet page: who may see, save, upload, download
and sign; what a bad save, a bad file or a bad signature gets (400 with the
message, nothing changed); a signed record stays as it was; the record page
makes as many queries with many items as with few."""

import json
import uuid
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from evaluation import services
from evaluation.models import Instrument, Observation, ObservationAnswer
from standards.models import Criterion
from tests.factories import (
    CriterionFactory,
    ElementFactory,
    HRFactory,
    LearnerFactory,
    StandardFactory,
    TrainerFactory,
    evaluation_instruments,
    lead_evaluator,
    png_bytes,
)

pytestmark = pytest.mark.django_db

PERSONS = ("candidate", "other_learner", "other_evaluator", "trainer", "hr", "anon")


def _criteria(element, count, kind=Criterion.Kind.PERFORMANCE):
    return [
        CriterionFactory(element=element, kind=kind, knowledge_level="")
        for _ in range(count)
    ]


def build(performance=2):
    """A standard with two elements (``performance`` performance criteria each),
    an attitude and a product; its guía and lista de cotejo; a plan for a new
    candidate with a lead evaluator; the guía's record started."""
    standard = StandardFactory()
    first, second = ElementFactory(standard=standard), ElementFactory(standard=standard)
    _criteria(first, performance)
    _criteria(second, performance)
    _criteria(first, 1, kind=Criterion.Kind.PRODUCT)
    CriterionFactory(
        element=None,
        standard=standard,
        kind=Criterion.Kind.ATTITUDE,
        knowledge_level="",
    )
    guide, checklist = evaluation_instruments(standard)
    evaluator = lead_evaluator(standard)
    candidate = LearnerFactory(first_name="Ana", last_name="Pérez")
    plan = services.plan_create(
        candidate=candidate,
        evaluator=evaluator,
        standard=standard,
        scheduled_at=django_now(),
        instruments=[guide, checklist],
        by=evaluator,
    )
    record = services.observation_start(plan=plan, instrument=guide, by=evaluator)
    return record


def django_now():
    from django.utils import timezone

    return timezone.now()


@pytest.fixture
def record():
    return build()


def person(name, record):
    """The user playing ``name`` towards ``record`` (None: anonymous)."""
    if name == "candidate":
        return record.plan.candidate
    if name == "evaluator":
        return record.plan.evaluator
    if name == "other_learner":
        return LearnerFactory()
    if name == "other_evaluator":
        return lead_evaluator(record.plan.standard)
    if name == "trainer":
        return TrainerFactory()
    if name == "hr":
        return HRFactory()
    return None


def as_(client, name, record):
    user = person(name, record)
    if user is not None:
        client.force_login(user)
    return client


def items(record):
    return [item["id"] for item in record.version.items]


def answer_all(record, outcome="met"):
    for item in items(record):
        services.observation_save(
            observation=record,
            item=item,
            outcome=outcome,
            reason="No hubo ese caso." if outcome == "na" else "",
            by=record.plan.evaluator,
        )


def sign(record, signer):
    user = record.plan.evaluator if signer == "evaluator" else record.plan.candidate
    return services.observation_sign(
        observation=record,
        signer=signer,
        typed_name=user.get_username(),
        ip="10.0.0.1",
        by=user,
    )


def save_json(client, record, body, raw=None):
    return client.post(
        reverse("evaluation:observation_save", args=[record.uuid]),
        data=raw if raw is not None else json.dumps(body),
        content_type="application/json",
    )


def upload(client, record, name, data, content_type="image/png"):
    return client.post(
        reverse("evaluation:evidence_upload", args=[record.uuid]),
        {"file": SimpleUploadedFile(name, data, content_type=content_type)},
    )


def evidence_of(record):
    return services.evidence_add(
        observation=record,
        upload=SimpleUploadedFile("hoja.png", png_bytes(), content_type="image/png"),
        by=record.plan.evaluator,
    )


# ---------------------------------------------------------------- permissions


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("evaluator", 200),
        ("candidate", 200),
        ("trainer", 200),
        ("hr", 200),
        ("other_learner", 404),
        ("other_evaluator", 404),
        ("anon", 302),
    ],
)
def test_record_page_permissions(client, record, name, status):
    """The evaluator, the candidate, trainers and HR see the record; another
    learner or evaluator gets 404; an anonymous visitor is sent to sign in."""
    response = as_(client, name, record).get(
        reverse("evaluation:observation", args=[record.uuid])
    )
    assert response.status_code == status
    if status == 302:
        assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", ["evaluator", "candidate", "trainer", "hr"])
def test_only_the_evaluator_gets_the_capture_form(client, record, name):
    """Only the plan's evaluator sees the editable form; everyone else who may see
    the record reads it."""
    response = as_(client, name, record).get(
        reverse("evaluation:observation", args=[record.uuid])
    )
    editable = b'id="observation-form"' in response.content
    assert editable is (name == "evaluator")


@pytest.mark.parametrize("name", PERSONS)
def test_nobody_but_the_evaluator_saves(client, record, name):
    """Saving an item (JSON or form) is for the plan's evaluator: the candidate,
    trainers, HR and strangers get 404 (anonymous: sign in), nothing saved."""
    item = items(record)[0]
    as_(client, name, record)
    response = save_json(client, record, {"item": item, "outcome": "met"})
    form = client.post(
        reverse("evaluation:observation_save", args=[record.uuid]),
        {f"outcome-{item}": "met"},
    )
    expected = 302 if name == "anon" else 404
    assert response.status_code == form.status_code == expected
    assert not record.answers.exists()


@pytest.mark.parametrize("name", PERSONS)
def test_nobody_but_the_evaluator_uploads(client, record, name):
    as_(client, name, record)
    response = upload(client, record, "hoja.png", png_bytes())
    assert response.status_code == (302 if name == "anon" else 404)
    assert not record.evidence.exists()


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("evaluator", 200),
        ("candidate", 200),
        ("trainer", 200),
        ("hr", 200),
        ("other_learner", 404),
        ("other_evaluator", 404),
        ("anon", 302),
    ],
)
def test_evidence_download_permissions(client, record, name, status):
    """The file goes to those who may see the record, privately and never
    sniffed; anyone else gets 404."""
    evidence = evidence_of(record)
    response = as_(client, name, record).get(
        reverse("evaluation:evidence", args=[evidence.token])
    )
    assert response.status_code == status
    if status == 200:
        assert b"".join(response.streaming_content) == png_bytes()
        assert response["Content-Type"] == "image/png"
        assert response["Cache-Control"] == "private, no-store"
        assert response["X-Content-Type-Options"] == "nosniff"


def test_unknown_record_and_evidence_are_404(client, record):
    client.force_login(record.plan.evaluator)
    assert (
        client.get(reverse("evaluation:observation", args=[uuid.uuid4()])).status_code
        == 404
    )
    assert (
        client.get(reverse("evaluation:evidence", args=[uuid.uuid4()])).status_code
        == 404
    )


# ------------------------------------------------------------------ saving


def test_save_json_stores_the_item(client, record):
    """One item saved as JSON answers 200 with its time and the missing count."""
    client.force_login(record.plan.evaluator)
    first = items(record)[0]
    response = save_json(
        client,
        record,
        {"item": first, "outcome": "na", "reason": "Sin quejas hoy", "note": "ok"},
    )
    assert response.status_code == 200
    data = response.json()
    assert data["saved_at"] and data["outcome"] == "na"
    assert data["missing"] == len(items(record)) - 1
    answer = ObservationAnswer.objects.get(observation=record, item=first)
    stored = (answer.outcome, answer.reason, answer.note)
    assert stored == ("na", "Sin quejas hoy", "ok")


@pytest.mark.parametrize(
    ("body", "raw"),
    [
        (None, "{no es json"),
        (None, "[1, 2]"),
        ({"outcome": "met"}, None),
        ({"item": "999999", "outcome": "met"}, None),
        ({"item": "FIRST", "outcome": "maybe"}, None),
        ({"item": "FIRST", "outcome": "na"}, None),
        ({"item": "FIRST", "outcome": "na", "reason": "   "}, None),
        ({"item": "FIRST", "outcome": "met", "note": 5}, None),
        ({"item": 1, "outcome": "met"}, None),
    ],
)
def test_bad_saves_are_refused_with_400(client, record, body, raw):
    """Malformed JSON, an unknown item, a bad outcome, no aplica without a reason:
    400 with a message, nothing stored."""
    client.force_login(record.plan.evaluator)
    if body and body.get("item") == "FIRST":
        body["item"] = items(record)[0]
    response = save_json(client, record, body, raw=raw)
    assert response.status_code == 400
    assert response.json()["error"]
    assert not record.answers.exists()


def test_form_post_saves_every_item_without_javascript(client, record):
    client.force_login(record.plan.evaluator)
    data = {f"outcome-{item}": "met" for item in items(record)}
    data[f"note-{items(record)[0]}"] = "Saludó con calidez"
    response = client.post(
        reverse("evaluation:observation_save", args=[record.uuid]), data
    )
    assert response.status_code == 303
    assert record.answers.filter(outcome="met").count() == len(items(record))
    assert record.answers.get(item=items(record)[0]).note == "Saludó con calidez"


def test_form_post_shows_refusals_with_400(client, record):
    client.force_login(record.plan.evaluator)
    first = items(record)[0]
    response = client.post(
        reverse("evaluation:observation_save", args=[record.uuid]),
        {f"outcome-{first}": "na"},
    )
    assert response.status_code == 400
    assert "Di por qué no aplica." in response.content.decode()
    assert not record.answers.exists()


def test_posting_to_a_signed_record_changes_nothing(client, record):
    """Signed by the evaluator (then by both), saves, uploads and a second
    signature are refused and the stored answers stay as they were."""
    answer_all(record, "met")
    sign(record, "evaluator")
    before = list(record.answers.values_list("item", "outcome", "note", "saved_at"))
    client.force_login(record.plan.evaluator)
    first = items(record)[0]
    for _round in ("evaluator signed", "both signed"):
        response = save_json(client, record, {"item": first, "outcome": "not_met"})
        assert response.status_code == 409
        form = client.post(
            reverse("evaluation:observation_save", args=[record.uuid]),
            {f"outcome-{first}": "not_met"},
        )
        assert form.status_code == 409
        assert upload(client, record, "x.png", png_bytes()).status_code in (400, 409)
        again = client.post(
            reverse("evaluation:observation_sign", args=[record.uuid]),
            {"name": record.plan.evaluator.get_username()},
        )
        assert again.status_code in (400, 409)
        after = list(record.answers.values_list("item", "outcome", "note", "saved_at"))
        assert after == before
        assert not record.evidence.exists()
        if _round == "evaluator signed":
            sign(record, "candidate")
    record.refresh_from_db()
    assert record.signed
    page = client.get(reverse("evaluation:observation", args=[record.uuid]))
    assert b'id="observation-form"' not in page.content


def test_a_candidate_signature_freezes_the_answers(client, record):
    """Once anyone signed, the evaluator cannot change what was signed."""
    answer_all(record, "met")
    sign(record, "candidate")
    client.force_login(record.plan.evaluator)
    response = save_json(
        client, record, {"item": items(record)[0], "outcome": "not_met"}
    )
    assert response.status_code == 409
    assert not record.answers.filter(outcome="not_met").exists()


# ------------------------------------------------------------------ evidence


def test_png_is_accepted_with_its_sha256(client, record, settings):
    import hashlib

    client.force_login(record.plan.evaluator)
    data = png_bytes()
    response = upload(client, record, "hoja de servicio.png", data)
    assert response.status_code == 303
    evidence = record.evidence.get()
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()
    assert evidence.content_type == "image/png"
    assert evidence.token.version == 4
    assert str(evidence.token) not in evidence.original_name
    path = Path(evidence.file.path).resolve()
    assert not path.is_relative_to(Path(settings.MEDIA_ROOT).resolve())
    page = client.get(reverse("evaluation:observation", args=[record.uuid]))
    text = page.content.decode()
    assert evidence.sha256 in text
    assert reverse("evaluation:evidence", args=[evidence.token]) in text
    assert "hoja de servicio.png" in text


def test_a_pdf_is_downloaded_as_an_attachment(client, record):
    pdf = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    client.force_login(record.plan.evaluator)
    assert upload(client, record, "hoja.pdf", pdf, "application/pdf").status_code == 303
    evidence = record.evidence.get()
    response = client.get(reverse("evaluation:evidence", args=[evidence.token]))
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment")


def test_a_text_file_named_jpg_is_refused(client, record):
    client.force_login(record.plan.evaluator)
    response = upload(client, record, "foto.jpg", b"hola, no soy foto", "image/jpeg")
    assert response.status_code == 400
    assert "Sube una foto (JPEG o PNG) o un PDF." in response.content.decode()
    assert not record.evidence.exists()


def test_an_oversize_file_is_refused(client, record, settings):
    settings.ATIENDE_EVIDENCE_MAX_BYTES = 1024 * 1024
    client.force_login(record.plan.evaluator)
    big = png_bytes() + b"\0" * (1024 * 1024)
    response = upload(client, record, "grande.png", big)
    assert response.status_code == 400
    assert "El archivo pesa más de 1 MB." in response.content.decode()
    assert not record.evidence.exists()


def test_an_upload_without_a_file_is_400(client, record):
    client.force_login(record.plan.evaluator)
    response = client.post(reverse("evaluation:evidence_upload", args=[record.uuid]))
    assert response.status_code == 400


def test_storage_is_private():
    assert (
        Path(django_settings.STORAGES["private"]["OPTIONS"]["location"]).resolve()
        != Path(django_settings.MEDIA_ROOT).resolve()
    )


# ------------------------------------------------------------------ signing


def test_signing_an_incomplete_record_lists_the_missing_items(client, record):
    client.force_login(record.plan.evaluator)
    first, *rest = record.version.items
    services.observation_save(
        observation=record, item=first["id"], outcome="met", by=record.plan.evaluator
    )
    response = client.post(
        reverse("evaluation:observation_sign", args=[record.uuid]),
        {"name": record.plan.evaluator.get_username()},
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "Faltan reactivos por contestar" in text
    for item in rest:
        assert item["text"] in text
    record.refresh_from_db()
    assert record.evaluator_signed_at is None


def test_signing_with_a_wrong_name_is_refused(client, record):
    answer_all(record)
    client.force_login(record.plan.evaluator)
    response = client.post(
        reverse("evaluation:observation_sign", args=[record.uuid]),
        {"name": "Alguien Más"},
    )
    assert response.status_code == 400
    assert "Escribe tu nombre completo tal como aparece." in response.content.decode()
    record.refresh_from_db()
    assert record.evaluator_signed_at is None


def test_evaluator_then_candidate_sign(client, record):
    """The evaluator signs from the record page (name again, address kept); the
    candidate, signed in, signs on the sign page by typing their full name; the
    record is then signed and read only."""
    answer_all(record)
    client.force_login(record.plan.candidate)
    early = client.post(
        reverse("evaluation:observation_sign", args=[record.uuid]),
        {"name": "Ana Pérez"},
    )
    assert early.status_code == 400
    client.force_login(record.plan.evaluator)
    response = client.post(
        reverse("evaluation:observation_sign", args=[record.uuid]),
        {"name": f"  {record.plan.evaluator.get_full_name().upper()} "},
        REMOTE_ADDR="192.0.2.7",
    )
    assert response.status_code == 303
    record.refresh_from_db()
    assert record.evaluator_signed_ip == "192.0.2.7" and record.ended_at
    client.force_login(record.plan.candidate)
    page = client.get(reverse("evaluation:observation_sign", args=[record.uuid]))
    assert page.status_code == 200
    assert "Firmar como candidato" in page.content.decode()
    response = client.post(
        reverse("evaluation:observation_sign", args=[record.uuid]),
        {"name": "ana perez"},
    )
    assert response.status_code == 303
    record.refresh_from_db()
    assert record.signed and record.candidate_signed_name == "ana perez"


@pytest.mark.parametrize("name", ["trainer", "hr", "other_learner", "other_evaluator"])
def test_only_evaluator_and_candidate_sign(client, record, name):
    answer_all(record)
    as_(client, name, record)
    url = reverse("evaluation:observation_sign", args=[record.uuid])
    assert client.get(url).status_code == 404
    assert client.post(url, {"name": "x"}).status_code == 404


def test_correct_makes_a_new_record(client, record):
    answer_all(record, "met")
    sign(record, "evaluator")
    sign(record, "candidate")
    client.force_login(record.plan.candidate)
    url = reverse("evaluation:observation_correct", args=[record.uuid])
    assert client.post(url).status_code == 404
    client.force_login(record.plan.evaluator)
    response = client.post(url)
    assert response.status_code == 303
    new = Observation.objects.get(replaces=record)
    assert response["Location"] == reverse("evaluation:observation", args=[new.uuid])
    assert new.answers.count() == record.answers.count()
    assert client.post(url).status_code == 400


# ------------------------------------------------------------------ start


def test_start_is_for_the_evaluator(client, record):
    plan = record.plan
    checklist = plan.instruments.get(kind=Instrument.Kind.CHECKLIST)
    url = reverse("evaluation:observation_start", args=[plan.uuid, checklist.pk])
    client.force_login(plan.candidate)
    assert client.post(url).status_code == 404
    client.force_login(plan.evaluator)
    assert client.get(url).status_code == 405
    response = client.post(url)
    assert response.status_code == 303
    new = Observation.objects.get(plan=plan, version__instrument=checklist)
    assert response["Location"] == reverse("evaluation:observation", args=[new.uuid])
    # Starting again resumes the same record.
    assert client.post(url)["Location"] == response["Location"]


def test_start_refusal_is_400(client, record):
    plan = record.plan
    other = Instrument.objects.create(
        code="OTRO", standard=plan.standard, kind="checklist", title="Otra lista"
    )
    client.force_login(plan.evaluator)
    url = reverse("evaluation:observation_start", args=[plan.uuid, other.pk])
    response = client.post(url)
    assert response.status_code == 400
    assert "Ese instrumento no es parte del plan." in response.content.decode()


# ------------------------------------------------------------------ queries


def _page_queries(client, record):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(record.plan.evaluator)
    url = reverse("evaluation:observation", args=[record.uuid])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_record_page_queries_stay_flat(client):
    """Ten times the items (answered, with evidence) make no more queries."""
    small, large = build(performance=1), build(performance=12)
    for record in (small, large):
        answer_all(record, "met")
        evidence_of(record)
    assert len(large.version.items) > 3 * len(small.version.items)
    assert _page_queries(client, small) == _page_queries(client, large)


def test_record_page_groups_items_with_attitudes_last(client, record):
    client.force_login(record.plan.evaluator)
    text = client.get(
        reverse("evaluation:observation", args=[record.uuid])
    ).content.decode()
    attitude = next(
        item for item in record.version.items if item["criterion_kind"] == "attitude"
    )
    performance = [
        item for item in record.version.items if item["criterion_kind"] != "attitude"
    ]

    def where(item):
        return text.index(f'data-item="{item["id"]}"')

    assert text.index("Actitudes") > max(where(item) for item in performance)
    assert where(attitude) > text.index("Actitudes")


def test_record_groups_makes_two_queries(record, django_assert_num_queries):
    from evaluation import selectors

    answer_all(record)
    record = Observation.objects.select_related("plan", "version").get(pk=record.pk)
    with django_assert_num_queries(2):
        groups = selectors.record_groups(observation=record)
    assert sum(len(group.items) for group in groups) == len(record.version.items)
    assert all(item.answer for group in groups for item in group.items)

"""Input that would end in a 500 is refused (issue 12, item 4): ids too wide for
a column, NUL characters, JSON bodies that are not an object, too deep or too
large. The rules live in ``accounts.inputs``; the request guard in
``accounts.middleware``."""

import json

import pytest
from django.contrib.auth.models import User
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from accounts.inputs import (
    BIGINT_MAX,
    InputRefused,
    parse_id,
    read_json_body,
    require_id,
)
from assessments.attempt_services import attempt_start
from assessments.models import AssessmentPage
from portal.demo import FINAL_ASSESSMENT_SLUG
from tests.factories import learner_ready_for

HUGE = "1" * 30

# ------------------------------------------------------------------ ids


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("1", 1),
        (" 42 ", 42),
        (7, 7),
        (str(BIGINT_MAX), BIGINT_MAX),
        (BIGINT_MAX, BIGINT_MAX),
        (str(BIGINT_MAX + 1), None),  # wider than any column
        (HUGE, None),
        (10**30, None),
        ("0", None),  # no table starts at zero
        (0, None),
        ("-3", None),
        ("1e3", None),
        ("1_000", None),  # int() takes it; an id is digits only
        ("²", None),  # str.isdigit() takes it, int() does not
        ("١٢", None),  # Arabic-Indic digits: int() takes them, SQL would not
        ("", None),
        (None, None),
        (True, None),  # a bool is an int to Python, not an id
        (1.0, None),
        (["1"], None),
        ("0" * 18 + "1", 1),
        ("0" * 19 + "1", None),  # longer than the widest id
    ],
)
def test_parse_id(raw, expected):
    """An id is a positive whole number of ASCII digits that fits 64 bits."""
    assert parse_id(raw) == expected


def test_require_id_refuses_with_a_message():
    assert require_id("12") == 12
    with pytest.raises(InputRefused, match="identificador"):
        require_id(HUGE)


# ------------------------------------------------------------------ JSON bodies


def _post(body, content_type="application/json"):
    return RequestFactory().post("/", data=body, content_type=content_type)


def _deep(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[1, 2]", "No se pudo leer"),  # not an object
        ('"texto"', "No se pudo leer"),
        ("null", "No se pudo leer"),
        ("{", "No se pudo leer"),  # not JSON
        (b"\xff\xfe{}", "No se pudo leer"),  # not UTF-8
        ("[" * 20_000 + "]" * 20_000, "No se pudo leer"),  # RecursionError
        (_deep(9), "demasiado anidado"),
        ('{"a": [[[[[[[[1]]]]]]]]}', "demasiado anidado"),
        ('{"a": NaN}', "No se pudo leer"),
        ('{"a": Infinity}', "No se pudo leer"),
        ('{"a": 1e999}', "No se pudo leer"),
        (f'{{"a": {HUGE}}}', "No se pudo leer"),
        (f'{{"a": {"9" * 5000}}}', "No se pudo leer"),  # past int()'s digit limit
        ('{"a": "x\\u0000y"}', "No se pudo leer"),  # NUL, refused by PostgreSQL
        ('{"x\\u0000": 1}', "No se pudo leer"),
        ('{"a": ["\\u0000"]}', "No se pudo leer"),
        ('{"a": "%s"}' % ("x" * 70_000), "demasiado grande"),
    ],
)
def test_read_json_body_refuses(body, message):
    with pytest.raises(InputRefused, match=message):
        read_json_body(_post(body))


def test_read_json_body_refuses_a_declared_length_before_reading():
    request = _post("{}")
    request.META["CONTENT_LENGTH"] = str(10**9)
    with pytest.raises(InputRefused, match="demasiado grande"):
        read_json_body(request)


def test_read_json_body_returns_the_object():
    body = {"position": 3, "answer": ["b", "a"], "note": "ñandú", "n": -(2**63)}
    assert read_json_body(_post(json.dumps(body))) == body
    assert read_json_body(_post(_deep(8))) is not None  # the limit is inclusive


# ------------------------------------------------------------------ the guard


@pytest.fixture
def hr_client(client, initial_data):
    client.force_login(User.objects.get(username="rh"))
    return client


def _writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/buscar/?q=a%00b",
        "/buscar/?q%00=1",
        "/estandar/EC%000305/",
        "/verificar/abc%00/",
        "/certificados/?q=%00",
        "/admin/snippets/assessments/question/?q=a%00",  # the question-bank filter
    ],
)
def test_nul_in_the_address_is_a_400_with_a_message(hr_client, url):
    """PostgreSQL refuses NUL in text: the guard answers 400, in Spanish, before
    any view or query sees it."""
    with CaptureQueriesContext(connection) as queries:
        response = hr_client.get(url)
    assert response.status_code == 400
    html = response.content.decode()
    assert "No pudimos procesar esta solicitud" in html
    assert "carácter nulo" in html
    assert not queries.captured_queries  # not even the session was read


@pytest.mark.django_db
def test_nul_in_a_form_field_is_a_400_and_changes_nothing(client, initial_data):
    """A sign-up with NUL in a field is refused whole: no account is made."""
    users = User.objects.count()
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/accounts/signup/",
            {
                "username": "nuevo\x00",
                "first_name": "Ana",
                "last_name": "Ruiz",
                "email": "ana@example.com",
                "password1": "una-clave-larga-123",
                "password2": "una-clave-larga-123",
            },
        )
    assert response.status_code == 400
    assert User.objects.count() == users
    assert not _writes(queries.captured_queries)


@pytest.mark.django_db
def test_nul_in_an_urlencoded_body_and_in_a_cookie_is_a_400(client, initial_data):
    response = client.post(
        "/accounts/login/",
        "username=rh%00&password=x",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    # A quoted cookie value may carry octal escapes; backslash-000 is NUL.
    assert client.get("/", HTTP_COOKIE='sessionid="abcdefgh\\000ij"').status_code == 400


@pytest.mark.django_db
def test_nul_free_requests_pass(hr_client):
    assert hr_client.get("/buscar/?q=atención").status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        f"/certificados/{HUGE}/",
        f"/certificados/{HUGE}/pdf/",
        f"/tablero/grupos/{HUGE}/",
        f"/tablero/dc3/emitir/{HUGE}/{HUGE}/",
        f"/cursos/{HUGE}/inscripcion/",
        f"/evaluacion/juicios/{2**63}/",
    ],
)
def test_ids_wider_than_64_bits_in_the_path_are_404(hr_client, url):
    """An ``<int:…>`` part no column could hold names nothing: 404, never the
    OverflowError SQLite raises on the lookup."""
    method = (
        hr_client.post if "emitir" in url or "inscripcion" in url else hr_client.get
    )
    assert method(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/snippets/choose/standards/element/chosen/x/",
        "/admin/documents/chooser/chosen/x/",
        f"/admin/snippets/choose/standards/element/chosen/{HUGE}/",
    ],
)
def test_a_non_numeric_key_of_an_integer_keyed_admin_view_is_404(client, url):
    """Wagtail's chooser looks "x" up in an integer column (ValueError, a 500);
    the guard answers 404 for keys that cannot be one."""
    client.force_login(User.objects.get(username="admin"))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_an_overflow_that_escapes_a_view_is_a_400_and_logged(client, caplog):
    """The last resort: an OverflowError from a view is a 400 with a message,
    logged as an error so it gets fixed where the number came in."""
    from accounts.middleware import InputGuardMiddleware

    def view(request):
        raise OverflowError("Python int too large to convert to SQLite INTEGER")

    request = RequestFactory().get("/x/")
    guard = InputGuardMiddleware(view)
    with caplog.at_level("ERROR", logger="accounts.middleware"):
        response = guard.process_exception(request, OverflowError("too large"))
    assert response.status_code == 400
    assert "demasiado grande" in response.content.decode()
    assert "too wide" in caplog.text
    assert guard.process_exception(request, ValueError("x")) is None


# ------------------------------------------------------------------ the 500s


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["course", "status", "issued_from"])
def test_hr_list_shows_a_bad_filter_as_a_form_error(hr_client, field):
    """The HR list with a 30-digit course (an OverflowError on SQLite before) or
    another invalid filter: 200, the field's error shown, the filter ignored."""
    response = hr_client.get("/certificados/", {field: HUGE})
    assert response.status_code == 200
    assert response.context["form"].errors[field]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/certificados/exportar.csv"),
        ("get", "/certificados/exportar.xlsx"),
        ("post", "/certificados/descarga-zip/"),
    ],
)
def test_exports_refuse_a_bad_filter_with_a_400(hr_client, method, url):
    """An export or bulk ZIP with a filter that is not valid is refused: a file
    without the filter HR asked for would hold everyone."""
    response = getattr(hr_client, method)(f"{url}?course={HUGE}")
    assert response.status_code == 400
    assert "Los filtros no son válidos" in response.content.decode()
    valid = getattr(hr_client, method)(f"{url}?status=")
    assert valid.status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "status"),
    [(f"cohort={HUGE}", 400), ("cohort=²", 400), (f"cohort={BIGINT_MAX}", 404)],
)
def test_dc3_zip_takes_odd_cohort_ids_without_a_500(hr_client, query, status):
    """``str.isdigit`` took "²" and ``int`` then failed: an id that cannot be one
    is the filter form's error (400), one that names no cohort in scope a 404."""
    assert hr_client.get(f"/tablero/dc3/descarga.zip?{query}").status_code == status


@pytest.mark.django_db
def test_reevaluation_of_an_odd_judgement_id_is_refused(client, initial_data):
    client.force_login(User.objects.get(username="instructor"))
    for value in ("²", HUGE):
        response = client.get("/evaluacion/planes/nuevo/", {"reevaluar": value})
        assert response.status_code in (403, 404)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[" * 20_000 + "]" * 20_000, "No se pudo leer"),
        ('{"position": 1, "answer": ' + "[" * 20 + "]" * 20 + "}", "anidado"),
        ("[1]", "No se pudo leer"),
        (f'{{"position": {HUGE}, "answer": "a"}}', "No se pudo leer"),
    ],
)
def test_answer_autosave_refuses_bad_json_with_a_message(
    client, initial_data, body, message
):
    """The attempt's autosave: deep nesting (RecursionError before), a list, a
    30-digit position: a 400 whose JSON says why; no answer is saved."""
    final = AssessmentPage.objects.get(slug=FINAL_ASSESSMENT_SLUG)
    learner = learner_ready_for(final)
    attempt = attempt_start(learner=learner, assessment=final)
    client.force_login(learner)
    response = client.post(
        f"/evaluaciones/intentos/{attempt.uuid}/guardar/",
        data=body,
        content_type="application/json",
    )
    assert response.status_code == 400
    assert message in response.json()["error"]
    assert not attempt.responses.filter(saved_at__isnull=False).exists()

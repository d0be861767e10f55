"""No input makes a 500 (issue 12, item 4): every URL pattern of ``config.urls``,
for every role, with generated path values, query strings and bodies (form-encoded,
multipart and JSON, nested deep, with NUL, unicode and 30-digit numbers).

Each request must answer below 500, and a refused one (4xx) must write nothing to
the database. Every query is also watched for a NUL character in its parameters:
PostgreSQL refuses NUL in text, so one that reaches a query is a 500 waiting there
even when SQLite (which these tests run on) takes it.

Two tests:

- ``test_every_pattern_refuses_hostile_values`` walks every pattern once with
  hostile values (a 30-digit id, NUL, a deep JSON body), the roles taking turns:
  deterministic, so every pattern is covered in every run.
- ``test_generated_requests`` lets Hypothesis draw the pattern, the role, the
  method, the values and the body. ``make test`` runs the "ci" profile (few
  examples, derandomized so CI is reproducible); ``ATIENDE_FUZZ_PROFILE=long``
  runs thousands, with a fresh seed each time.

Own views (our apps) get POSTs; the Wagtail and Django admin's own views get GETs
only: their forms are theirs to test, and a generated POST could delete the very
accounts the test signs in with.
"""

from __future__ import annotations

import json
import logging
import os
import re
import uuid
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pytest
from django import forms
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Page
from wagtail.users.models import UserProfile

from accounts.inputs import BIGINT_MAX

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("initial_data")]

OWN_APPS = (
    "accounts",
    "standards",
    "courses",
    "assessments",
    "evaluation",
    "certificates",
    "rollout",
    "compliance",
    "portal",
)
# Anonymous, then the demo accounts of each role (README "Demo accounts").
ROLES = (None, "aprendiz", "rh", "instructor", "evaluadora", "admin")

settings.register_profile(
    "ci",
    max_examples=60,
    deadline=None,
    derandomize=True,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
settings.register_profile(
    "long",
    max_examples=3000,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=list(HealthCheck),
)
PROFILE_NAME = os.environ.get("ATIENDE_FUZZ_PROFILE", "ci")
PROFILE = settings.get_profile(PROFILE_NAME)

HUGE = 10**30
NUL_TEXT = "a\x00b"
DEEP_JSON = "[" * 100_000 + "]" * 100_000
DEEP_OBJECT = '{"answer":' * 5_000 + "1" + "}" * 5_000
WRITE = re.compile(
    r'^\s*(INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?',
    re.IGNORECASE,
)


# ------------------------------------------------------------------ the routes


@dataclass(frozen=True)
class Route:
    """One URL pattern: its parts (a literal, a converter or a regex) and
    whether the view is ours (and so gets POSTs)."""

    name: str
    parts: tuple
    own: bool

    @property
    def admin(self) -> bool:
        return self.name.startswith(("admin/", "django-admin/"))

    def __str__(self) -> str:
        return self.name


def _split(pattern) -> list:
    """A pattern as literal pieces, ("converter", converter) pieces and
    ("regex", text) pieces."""
    if isinstance(pattern, RegexPattern):
        return [("regex", str(pattern).lstrip("^").rstrip("$"))]
    parts = []
    for piece in re.split(r"(<[^>]+>)", str(pattern)):
        if piece.startswith("<"):
            name = piece.strip("<>").split(":")[-1]
            parts.append(("converter", pattern.converters[name]))
        elif piece:
            parts.append(piece)
    return parts


def _routes(resolver=None, prefix="", parts=()) -> list[Route]:
    resolver = resolver or get_resolver()
    found = []
    for entry in resolver.url_patterns:
        name = prefix + str(entry.pattern)
        entry_parts = (*parts, *_split(entry.pattern))
        if isinstance(entry, URLResolver):
            found += _routes(entry, name, entry_parts)
            continue
        assert isinstance(entry, URLPattern)
        module = getattr(entry.callback, "__module__", "") or ""
        own = module.split(".")[0] in OWN_APPS
        found.append(Route(name=name, parts=entry_parts, own=own))
    return found


# Wagtail's /admin/failwhale/ raises on purpose (to try the 500 page).
DELIBERATE_ERRORS = {"admin/failwhale/"}
ROUTES = [route for route in _routes() if route.name not in DELIBERATE_ERRORS]


# ------------------------------------------------------------------ real values


@dataclass(frozen=True)
class Pool:
    """Values that name real things, so generated requests reach past the 404s."""

    ints: tuple[int, ...]
    uuids: tuple[str, ...]
    texts: tuple[str, ...]
    page_paths: tuple[str, ...]
    param_names: tuple[str, ...]


def _own_models():
    for model in apps.get_models():
        if model._meta.app_label in OWN_APPS:
            yield model


def _pool() -> Pool:
    ints, uuids, texts = set(), set(), set()
    for model in _own_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.UUIDField) or field.primary_key:
                values = model.objects.values_list(field.attname, flat=True)[:40]
                for value in values:
                    (uuids if isinstance(value, uuid.UUID) else ints).add(value)
            elif isinstance(field, models.CharField) and field.unique:
                texts.update(
                    str(value)
                    for value in model.objects.values_list(field.attname, flat=True)[
                        :20
                    ]
                )
    return Pool(
        ints=tuple(sorted(i for i in ints if isinstance(i, int))),
        uuids=tuple(sorted(str(u) for u in uuids)),
        texts=tuple(sorted(t for t in texts if t)),
        page_paths=tuple(
            sorted(page.url for page in Page.objects.live().specific() if page.url)
        ),
        param_names=_param_names(),
    )


def _param_names() -> tuple[str, ...]:
    """Every field name of our forms, and the query parameters views read
    directly (grep ``request.GET.get``)."""
    names = {
        "q",
        "page",
        "p",
        "next",
        "descargar",
        "reevaluar",
        "estandar",
        "buscar",
        "desde",
        "hasta",
        "dictamen",
        "cohort",
        "course",
        "codigo",
        "person",
        "present",
        "kind",
        "option",
        "name",
        "language",
    }
    stack = [forms.BaseForm]
    while stack:
        form_class = stack.pop()
        stack.extend(form_class.__subclasses__())
        if form_class.__module__.split(".")[0] in OWN_APPS:
            names.update(getattr(form_class, "base_fields", {}))
    return tuple(sorted(names))


# ------------------------------------------------------------------ strategies


def _hostile_text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=12),
        st.sampled_from(
            [NUL_TEXT, "\x00", "%00", str(HUGE), str(2**63), "-1", "²", "١٢", "é" * 40]
        ),
    )


def _ids(pool: Pool) -> st.SearchStrategy[int]:
    return st.one_of(
        st.sampled_from(pool.ints or (1,)),
        st.integers(min_value=0, max_value=10**40),
        st.sampled_from([0, BIGINT_MAX, BIGINT_MAX + 1, HUGE]),
    )


def _segment(part, pool: Pool) -> st.SearchStrategy[str]:
    kind, value = part
    if kind == "regex":
        if value.startswith("((?:[\\w\\-]+/)*)"):  # Wagtail's pages
            return st.sampled_from(pool.page_paths or ("/",)).map(
                lambda url: url.lstrip("/")
            )
        return st.from_regex(value, fullmatch=True).map(_quote)
    regex = value.regex
    if regex == "[0-9]+":
        return _ids(pool).map(str)
    if "0-9a-f" in regex and "-" in regex:  # uuid
        return st.one_of(
            st.sampled_from(pool.uuids or (str(uuid.uuid4()),)), st.uuids().map(str)
        )
    return st.one_of(
        st.sampled_from(pool.texts or ("x",)),
        _hostile_text().filter(bool),
        st.from_regex(regex, fullmatch=True),
    ).map(_quote)


def _quote(value: str) -> str:
    return quote(value, safe="")


def _paths(route: Route, pool: Pool) -> st.SearchStrategy[str]:
    pieces = [
        st.just(part) if isinstance(part, str) else _segment(part, pool)
        for part in route.parts
    ]
    return st.tuples(*pieces).map(lambda bits: "/" + "".join(bits))


def _values(pool: Pool) -> st.SearchStrategy[str]:
    return st.one_of(
        _hostile_text(),
        _ids(pool).map(str),
        st.sampled_from(pool.texts or ("x",)),
        st.sampled_from(pool.uuids or ("x",)),
        st.dates().map(str),
    )


def _params(pool: Pool) -> st.SearchStrategy[list[tuple[str, str]]]:
    names = st.one_of(st.sampled_from(pool.param_names), _hostile_text())
    return st.lists(st.tuples(names, _values(pool)), max_size=5)


def _json(pool: Pool):
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        _ids(pool),
        st.integers(),
        st.floats(),
        _values(pool),
    )
    keys = st.one_of(
        st.sampled_from(
            ["position", "answer", "item", "outcome", "reason", "note", "person"]
            + ["present"]
        ),
        st.text(max_size=6),
    )
    return st.recursive(
        scalars,
        lambda children: st.one_of(
            st.lists(children, max_size=3),
            st.dictionaries(keys, children, max_size=3),
        ),
        max_leaves=8,
    )


@dataclass(frozen=True)
class Body:
    """What goes after the headers: nothing, a form, or raw bytes of a type."""

    kind: str  # "none" | "form" | "urlencoded" | "raw"
    data: object = None
    content_type: str = ""


def _bodies(pool: Pool) -> st.SearchStrategy[Body]:
    return st.one_of(
        st.just(Body("none")),
        _params(pool).map(lambda pairs: Body("form", pairs)),
        _params(pool).map(
            lambda pairs: Body(
                "raw", urlencode(pairs), "application/x-www-form-urlencoded"
            )
        ),
        _json(pool).map(
            lambda value: Body("raw", json.dumps(value), "application/json")
        ),
        st.sampled_from(
            [
                Body("raw", DEEP_JSON, "application/json"),
                Body("raw", DEEP_OBJECT, "application/json"),
                Body("raw", '"' + "x" * 200_000 + '"', "application/json"),
                Body("raw", b"\xff\xfe{", "application/json"),
                Body("raw", '{"answer": "\\u0000"}', "application/json"),
            ]
        ),
    )


# ------------------------------------------------------------------ the harness


class Watch:
    """Installed on the connection while a request runs: the tables it writes
    and any NUL in a query parameter (which PostgreSQL would refuse)."""

    def __init__(self):
        self.writes: list[str] = []
        self.nul_queries: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        if match := WRITE.match(sql):
            self.writes.append(f"{match[1].split()[0].upper()} {match[2]}")
        rows = params if many else [params]
        for row in rows or ():
            values = row.values() if isinstance(row, dict) else row or ()
            if any(isinstance(v, str) and "\x00" in v for v in values):
                self.nul_queries.append(sql[:200])
        return execute(sql, params, many, context)


@dataclass
class Outcome:
    status: int
    writes: list
    nul_queries: list
    overflow_logged: bool


class OverflowLog(logging.Handler):
    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.fired = False

    def emit(self, record):
        self.fired = True


def _client(username: str | None) -> Client:
    """A fresh client per request (a logout or a language switch in one example
    does not leak into the next), signed in as ``username``. Wagtail makes a
    user's profile on first use (the user bar of an error page): made here, so
    it does not count as a write of a refused request."""
    client = Client()
    if username:
        user = get_user_model().objects.get(username=username)
        UserProfile.get_for_user(user)
        client.force_login(user)
    return client


def send(username: str | None, method: str, path: str, params, body: Body) -> Outcome:
    client = _client(username)
    query = urlencode(params or [])
    url = f"{path}?{query}" if query else path
    watch, overflow = Watch(), OverflowLog()
    guard_log = logging.getLogger("accounts.middleware")
    guard_log.addHandler(overflow)
    try:
        with connection.execute_wrapper(watch):
            if method == "GET":
                response = client.get(url)
            elif body.kind == "form":
                response = client.post(url, data=_form_data(body.data))
            elif body.kind == "raw":
                response = client.post(
                    url, data=body.data, content_type=body.content_type
                )
            else:
                response = client.post(url)
            # The client closes the response itself, with Django's
            # close_old_connections disconnected; closing it again here would
            # run that and drop the test's transaction on PostgreSQL.
            if response.streaming:
                b"".join(response.streaming_content)
    finally:
        guard_log.removeHandler(overflow)
    return Outcome(
        response.status_code, watch.writes, watch.nul_queries, overflow.fired
    )


def _form_data(pairs) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for key, value in pairs:
        data.setdefault(key, []).append(value)
    return data


def check(outcome: Outcome, description: str) -> None:
    assert outcome.status < 500, f"{outcome.status} for {description}"
    assert not outcome.overflow_logged, (
        f"an OverflowError reached the input guard for {description}: refuse the "
        "number where it comes in (accounts.inputs)"
    )
    assert not outcome.nul_queries, (
        f"NUL reached a query for {description}: {outcome.nul_queries}"
    )
    if 400 <= outcome.status < 500:
        assert not outcome.writes, (
            f"refused ({outcome.status}) but wrote {outcome.writes} for {description}"
        )


# ------------------------------------------------------------------ the tests


def test_the_routes_cover_the_site():
    """The walk finds every app's patterns (a broken walk would test nothing)."""
    names = {route.name for route in ROUTES}
    assert len(ROUTES) > 300
    assert "certificados/<int:pk>/pdf/" in names
    assert sum(route.own for route in ROUTES) > 80


# Ids too wide for any column, a Unicode digit that ``str.isdigit`` takes and
# ``int`` refuses, a page number past the end. (NUL is the guard's, one rule for
# every URL: tests/accounts/test_inputs.py.)
HOSTILE_QUERY = [
    ("course", str(HUGE)),
    ("cohort", "²"),
    ("unit", str(2**63)),
    ("person", str(HUGE)),
    ("page", str(HUGE)),
    ("reevaluar", "²"),
]


def _hostile_path(route: Route) -> str:
    """The route with a 30-digit number for each integer, a random UUID for each
    UUID and "x" for anything else."""
    bits = []
    for part in route.parts:
        if isinstance(part, str):
            bits.append(part)
        elif part[0] == "regex":
            bits.append("1/")
        elif part[1].regex == "[0-9]+":
            bits.append(str(HUGE))
        elif "0-9a-f" in part[1].regex:
            bits.append(str(uuid.uuid4()))
        else:
            bits.append("x")
    return "/" + "".join(bits)


def _swept_routes() -> list[Route]:
    """Our own patterns; with the long profile, the admin's too (some 460
    patterns of Wagtail's and Django's, too slow for every ``make test``)."""
    if PROFILE_NAME == "long":
        return ROUTES
    return [route for route in ROUTES if route.own or not route.admin]


def test_every_pattern_refuses_hostile_values():
    """Each pattern once, the roles taking turns: 30-digit ids and odd digits in
    the path, the query and (for our own views) a posted form. Nothing answers
    5xx and nothing refused writes."""
    failures = []
    for index, route in enumerate(_swept_routes()):
        role = ROLES[index % len(ROLES)]
        path = _hostile_path(route)
        requests = [("GET", path, HOSTILE_QUERY, Body("none"))]
        if route.own:
            requests.append(("POST", path, [], Body("form", HOSTILE_QUERY)))
        for method, url, params, body in requests:
            description = f"{method} {url} {params} as {role}"
            try:
                check(send(role, method, url, params, body), description)
            except Exception as error:  # noqa: BLE001 (collect them all)
                failures.append(f"{description}: {type(error).__name__}: {error}")
    assert not failures, "\n".join(failures)


def test_generated_requests():
    """Hypothesis draws the pattern, the role, the method, the path values, the
    query string and the body."""
    pool = _pool()

    @PROFILE
    @given(data=st.data())
    def probe(data):
        route = data.draw(st.sampled_from(ROUTES), label="route")
        role = data.draw(st.sampled_from(ROLES), label="role")
        method = data.draw(
            st.sampled_from(["GET", "POST"] if route.own else ["GET"]), label="method"
        )
        path = data.draw(_paths(route, pool), label="path")
        params = data.draw(_params(pool), label="query")
        body = (
            data.draw(_bodies(pool), label="body") if method == "POST" else Body("none")
        )
        outcome = send(role, method, path, params, body)
        check(outcome, f"{method} {path} {params} {body} as {role}")

    probe()

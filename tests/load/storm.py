"""The load test (`make load`): learners start, answer and submit the final
assessment on gunicorn and PostgreSQL, and the database is reconciled after.

Setup (not timed): N learners are created through the real services (the
account as sign-up makes it, the enrolment; the final asks for nothing more),
signed in through Django's ``login()`` (the
session the sign-in form would make; no password is checked, so neither the
login form's rate limits nor a second factor for staff stand in the way:
learners are exempt), and each opens the final's start page, which proves the
session works through the whole middleware stack and gives the CSRF cookie.

Two scenarios, then a reconciliation of each from the database:

- storm: every learner starts the final within ``--start-window`` seconds
  (start = POST comenzar/ and the redirect to the attempt page), saves an
  answer to every question in one form post ("Guardar respuestas"), and
  submits (POST enviar/ with the form, and the result page) by
  ``--submit-window`` seconds; a share (``--double-share``) submits twice at
  the same moment, as a double click does. A share (``--pass-share``) answers
  right (their key read from the database when they save: that costs one
  query in this process per such learner), the others at random.
- steady: other takers start at random, then save one answer at a time (the
  page's background JSON save) after a think time drawn from 30-90 s
  multiplied by ``--think-scale``, and submit when done or when
  ``--steady-seconds`` run out.

Printed: p50/p95/p99 per step, errors by kind, the CPU seconds the server and
this client used (and this client's full garbage collections, which would stop
its event loop: its heap is frozen before each scenario), and the
reconciliation: attempts started and finalised
against learners, answers stored against answers sent (every sent answer must
be stored as sent; none may be stored that was not sent). Exits 1 on any
error or lost answer, 2 on a refused target or the global ``--timeout``.

The client is aiohttp on one event loop: it shares the machine's cores with
the server, and took about four times less CPU per request than httpx did
here, so that it keeps less of them from the server.

Only http://127.0.0.1 is a target, and only a database on this machine whose
name contains "load". The machine's cores are shared with this client (and,
here, with whatever else runs): the numbers are those of this machine now.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import random
import re
import resource
import shlex
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path
from urllib.parse import urlencode, urlsplit
from urllib.request import urlopen

import aiohttp

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.load.settings")

HOST = "127.0.0.1"
USER_AGENT = "atiende-load-test"
# The page's answer fields (assessments/includes/question.html): one section per
# question, with its position and answer shape, holding inputs or selects.
SECTION_RE = re.compile(
    r"<section\b([^>]*\bdata-question\b[^>]*)>(.*?)</section>", re.S
)
POSITION_RE = re.compile(r'\bdata-position="(\d+)"')
SHAPE_RE = re.compile(r'\bdata-answer-shape="(\w+)"')
INPUT_RE = re.compile(r"<input\b([^>]*)>")
SELECT_RE = re.compile(r'<select\b[^>]*\bname="([^"]+)"[^>]*>(.*?)</select>', re.S)
OPTION_RE = re.compile(r'<option\b[^>]*\bvalue="([^"]+)"')
ATTRIBUTE_RE = re.compile(r'\b(type|name|value)="([^"]*)"')
THINK_SECONDS = (30.0, 90.0)
# The task worker's niceness (lower CPU priority than gunicorn's workers), set
# on its process and on its session's scheduling group (docs/deploy.md).
WORKER_NICENESS = 19


class Refused(SystemExit):
    """A target or database this script does not touch."""


class OutOfTime(Exception):
    """The global --timeout ran out (not a request's timeout)."""


# ---------------------------------------------------------------- safety


def check_server_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname != HOST or parts.path not in ("", "/"):
        raise Refused(
            f"Refusing {url!r}: the load test only targets http://{HOST}:PORT"
        )
    return url.rstrip("/")


def check_database_url(url: str) -> None:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        raise Refused(f"Refusing {url!r}: the load test runs on PostgreSQL")
    if parts.hostname not in (None, "", HOST, "localhost"):
        raise Refused(f"Refusing {url!r}: only a database on this machine")
    if "load" not in parts.path:
        raise Refused(f"Refusing {url!r}: the database's name must contain 'load'")


# ---------------------------------------------------------- measurements


@dataclass
class Reply:
    """What the client keeps of a response, redirects followed: the body is
    read and the connection given back before the next step looks at it."""

    status: int
    path: str
    text: str
    # the server's cost (tests/load/middleware.py), summed over the redirects
    cpu_ms: float
    queries: int

    @classmethod
    async def read(cls, response: aiohttp.ClientResponse) -> Reply:
        cpu = queries = 0
        for one in [*response.history, response]:
            cpu += float(one.headers.get("X-Load-Cpu-Ms", 0))
            queries += int(one.headers.get("X-Load-Queries", 0))
        text = await response.text()
        return cls(response.status, response.url.path, text, cpu, queries)

    def json(self):
        return json.loads(self.text)


@dataclass
class Stats:
    samples: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    # step -> (server CPU ms, SQL queries) of each sample, redirects included
    costs: dict[str, list[tuple[float, int]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    errors: Counter = field(default_factory=Counter)
    requests: int = 0

    def sample(self, step: str, seconds: float, reply: Reply) -> None:
        self.samples[step].append(seconds)
        self.costs[step].append((reply.cpu_ms, reply.queries))

    def error(self, step: str, kind: str) -> None:
        self.errors[f"{step}: {kind}"] += 1


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


def process_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        total += (int(fields[11]) + int(fields[12])) / ticks
    return total


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def machine_busy() -> tuple[float, float]:
    """(busy, total) jiffies of all cores since boot (/proc/stat)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = values[3] + values[4]
    return sum(values) - idle, sum(values)


# A page shell of the size the attempt page has: the reference work's template.
REFERENCE_TEMPLATE = (
    '{% for row in rows %}<div class="form-check"><input type="radio" '
    'name="q-{{ row.position }}" value="{{ row.token }}" id="q-{{ row.position }}'
    '-{{ row.token }}"{% if row.checked %} checked{% endif %}><label>{{ row.text }}'
    "</label></div>{% endfor %}"
)


def reference_work(repeats: int = 5) -> float:
    """The CPU ms of a fixed piece of work in this process (a Django template
    rendering 400 rows, five times), the least of ``repeats`` tries: the
    machine's speed now. The cores of this kind of machine are shared with
    others, and the same code's CPU per request moved by a third within an
    hour here; runs are compared by their CPU figures over this one."""
    from django.template import Context, Template

    template = Template(REFERENCE_TEMPLATE)
    rows = [
        {"position": n // 4, "token": n % 4, "checked": n % 7 == 0, "text": f"<{n}>"}
        for n in range(400)
    ]
    best = float("inf")
    for _try in range(repeats):
        started = time.process_time()
        for _render in range(5):
            template.render(Context({"rows": rows}))
        best = min(best, (time.process_time() - started) * 1000)
    return best


# ------------------------------------------------------------ processes


class CollectorPauses:
    """This client's own full garbage collections while a scenario runs. Each
    stops the event loop, and so adds its length to every request in flight:
    the client's heap (Django, the learners) is frozen before each scenario
    (``gc.freeze``, as gunicorn.conf.py does for the server's workers), so that
    a full collection walks only what the scenario made."""

    def __init__(self):
        self.pauses: list[float] = []
        self._began = 0.0

    def __enter__(self):
        gc.collect()
        gc.freeze()
        gc.callbacks.append(self._timed)
        return self

    def __exit__(self, *exc):
        gc.callbacks.remove(self._timed)
        gc.unfreeze()

    def _timed(self, phase: str, info: dict) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            self._began = time.perf_counter()
        else:
            self.pauses.append(time.perf_counter() - self._began)


def lower_group_priority(pid: int, niceness: int) -> bool:
    """Give the scheduling group of ``pid``'s session (Linux autogroup) this
    niceness. With autogroup on, the kernel shares CPU between sessions first,
    and ``nice`` only orders processes within one: a worker in a session of
    its own would get as much as gunicorn's workers together. False where
    there is no autogroup (then ``nice`` alone applies)."""
    try:
        Path(f"/proc/{pid}/autogroup").write_text(str(niceness))
    except OSError:
        return False
    return True


class Processes:
    """gunicorn (and a task worker) for the run; stopped whatever happens."""

    def __init__(self, args, env: dict[str, str]):
        self.args = args
        self.env = env
        self.server: subprocess.Popen | None = None
        self.worker: subprocess.Popen | None = None
        self.log = ROOT / "var" / "load" / "server.log"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        log = self.log.open("w")
        self.server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                f"{HOST}:{self.args.port}",
                "--workers",
                str(self.args.workers),
                "--worker-class",
                "sync",
                "--timeout",
                "120",
                "--backlog",
                "2048",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        if self.args.worker_command:
            # Below the web workers' priority, as docs/deploy.md advises for a
            # worker on an app server: PDFs wait a few seconds, pages do not.
            self.worker = subprocess.Popen(
                [
                    "nice",
                    "-n",
                    str(WORKER_NICENESS),
                    sys.executable,
                    "manage.py",
                    *shlex.split(self.args.worker_command),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            lower_group_priority(self.worker.pid, WORKER_NICENESS)

    def server_pids(self) -> list[int]:
        return children(self.server.pid) if self.server else []

    def worker_pids(self) -> list[int]:
        if not self.worker:
            return []
        return [self.worker.pid, *children(self.worker.pid)]

    def wait_until_healthy(self, base: str, seconds: float = 90) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.server and self.server.poll() is not None:
                raise SystemExit(f"gunicorn exited; see {self.log}")
            try:
                with urlopen(base + "/salud/", timeout=5) as response:  # noqa: S310
                    if response.status == 200:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"the server did not answer /salud/ with 200; see {self.log}")

    def stop(self) -> None:
        for process in (self.worker, self.server):
            if process is None or process.poll() is not None:
                continue
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)


# ------------------------------------------------------------- learners


@dataclass
class Learner:
    user_id: int
    session_key: str
    knows: bool = False
    double: bool = False
    client: aiohttp.ClientSession | None = None
    csrf: str = ""  # the CSRF cookie's value, set when the start page is read
    attempt_path: str = ""
    page: str = ""  # the attempt page, until read_questions reads it
    questions: list[Question] = field(default_factory=list)
    # position -> the tokens last sent and acknowledged for it
    sent: dict[int, object] = field(default_factory=dict)


@dataclass
class Question:
    position: int
    shape: str  # "one" | "list" | "parts"
    values: list[str]  # one, list: the option values
    parts: dict[str, list[str]]  # parts: part token -> values
    distinct: bool


def parse_questions(html: str) -> list[Question]:
    questions = []
    for attributes, body in SECTION_RE.findall(html):
        position = int(POSITION_RE.search(attributes)[1])
        shape = SHAPE_RE.search(attributes)[1]
        values, parts = [], {}
        for tag in INPUT_RE.findall(body):
            found = dict(ATTRIBUTE_RE.findall(tag))
            # Only the question's own answer fields (q-N), not its "flag for
            # review" box.
            if found.get("type") in ("radio", "checkbox") and found.get(
                "name", ""
            ).startswith(f"q-{position}"):
                values.append(unescape(found["value"]))
        prefix = f"q-{position}-"
        for name, options in SELECT_RE.findall(body):
            if name.startswith(prefix):
                parts[name.removeprefix(prefix)] = OPTION_RE.findall(options)
        questions.append(
            Question(
                position, shape, values, parts, "data-distinct-parts" in attributes
            )
        )
    return questions


def random_tokens(question: Question, rng: random.Random):
    if question.shape == "one":
        return rng.choice(question.values)
    if question.shape == "list":
        return rng.sample(question.values, rng.randint(1, len(question.values)))
    tokens = list(question.parts)
    if question.distinct:
        values = rng.sample(question.parts[tokens[0]], len(tokens))
        return dict(zip(tokens, values, strict=True))
    return {token: rng.choice(question.parts[token]) for token in tokens}


def normalised(shape: str, tokens):
    """Tokens in one comparable form (a form posts strings; order of a list and
    of parts does not matter)."""
    if shape == "one":
        return str(tokens)
    if shape == "list":
        return tuple(sorted(str(token) for token in tokens))
    return tuple(sorted((str(k), str(v)) for k, v in tokens.items()))


def form_fields(question: Question, tokens) -> dict[str, object]:
    name = f"q-{question.position}"
    if question.shape == "one":
        return {name: str(tokens)}
    if question.shape == "list":
        return {name: [str(token) for token in tokens]}
    return {f"{name}-{part}": str(value) for part, value in tokens.items()}


# ------------------------------------------------------ Django (not timed)


def django_setup() -> None:
    import django

    django.setup()


def final_assessment():
    from assessments.models import AssessmentPage
    from portal.demo import FINAL_ASSESSMENT_SLUG

    return AssessmentPage.objects.live().get(
        mode=AssessmentPage.Mode.FINAL, slug=FINAL_ASSESSMENT_SLUG
    )


def create_learners(*, count: int, run: str, label: str) -> list[Learner]:
    """Learners made as sign-up and the course page make them (the account, the
    enrolment), with the course's lessons done, then signed in."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import login
    from django.http import HttpRequest

    from accounts.services import user_register_learner
    from courses.models import CoursePage
    from courses.services import course_enrol, lesson_complete
    from portal.demo import learner_lessons

    final = final_assessment()
    course = CoursePage.objects.ancestor_of(final).get()
    # The seeded final opens once every learner lesson is done (its completion
    # rule): each learner has done them, through the service, before the clock.
    lessons = learner_lessons(course)
    engine = import_module(settings.SESSION_ENGINE)
    learners = []
    for number in range(count):
        username = f"carga-{run}-{label}-{number}"
        user = user_register_learner(
            username=username,
            password=uuid.uuid4().hex,
            first_name="Carga",
            last_name=f"{label.title()} {number}",
            email=f"{username}@example.org",
        )
        course_enrol(user=user, course=course)
        for lesson in lessons:
            lesson_complete(user=user, lesson=lesson)
        request = HttpRequest()
        request.META.update(
            REMOTE_ADDR=HOST, HTTP_USER_AGENT=USER_AGENT, SERVER_NAME=HOST
        )
        request.session = engine.SessionStore()
        login(request, user, backend="accounts.backends.UserBackend")
        request.session.save()
        learners.append(Learner(user.pk, request.session.session_key))
    return learners


def right_tokens(attempt_uuid: str) -> dict[int, object]:
    """The answers that earn full marks, as the form's tokens (a learner who
    knows the material)."""
    from assessments import payloads
    from assessments.models import Response
    from assessments.question_types import registry

    found = {}
    for response in Response.objects.filter(attempt__uuid=attempt_uuid).select_related(
        "version"
    ):
        payload = response.version.payload
        kind = registry.get(payload["type"])
        answer = kind.right_answer(payloads.answer_key(payload))
        found[response.position] = kind.encode(display=response.display, answer=answer)
    return found


def in_thread(function, *args):
    """Run ``function`` in a thread of its own (asyncio.to_thread), closing the
    database connection the thread opened."""
    from django.db import connections

    try:
        return function(*args)
    finally:
        connections.close_all()


@dataclass
class Reconciliation:
    learners: int
    started: int
    finalised: int
    more_than_one: int
    answers_sent: int
    answers_stored: int
    lost: int
    unexpected: int
    competent: int

    @property
    def ok(self) -> bool:
        return (
            self.started == self.learners
            and self.finalised == self.learners
            and self.more_than_one == 0
            and self.lost == 0
            and self.unexpected == 0
        )


def reconcile(learners: list[Learner]) -> Reconciliation:
    from assessments.models import Attempt, Response
    from assessments.question_types import registry

    final = final_assessment()
    by_user = {learner.user_id: learner for learner in learners}
    attempts = Attempt.objects.filter(learner_id__in=by_user, assessment=final)
    per_learner = Counter(attempts.values_list("learner_id", flat=True))
    stored: dict[int, dict[int, object]] = defaultdict(dict)
    for response in Response.objects.filter(attempt__in=attempts).select_related(
        "version", "attempt"
    ):
        if response.answer is None:
            continue
        kind = registry.get(response.version.payload["type"])
        tokens = kind.encode(display=response.display, answer=response.answer)
        stored[response.attempt.learner_id][response.position] = normalised(
            kind.answer_shape, tokens
        )
    lost = unexpected = sent_count = stored_count = 0
    for learner in learners:
        shapes = {q.position: q.shape for q in learner.questions}
        sent = {
            position: normalised(shapes[position], tokens)
            for position, tokens in learner.sent.items()
        }
        mine = stored.get(learner.user_id, {})
        sent_count += len(sent)
        stored_count += len(mine)
        lost += sum(1 for p, tokens in sent.items() if mine.get(p) != tokens)
        unexpected += sum(1 for p in mine if p not in sent)
    return Reconciliation(
        learners=len(learners),
        started=attempts.count(),
        finalised=attempts.filter(status=Attempt.Status.SUBMITTED).count(),
        more_than_one=sum(1 for n in per_learner.values() if n > 1),
        answers_sent=sent_count,
        answers_stored=stored_count,
        lost=lost,
        unexpected=unexpected,
        competent=attempts.filter(competent=True).count(),
    )


def tasks_report(since) -> tuple[Counter, int]:
    """(status -> count of the tasks enqueued since, due ones still waiting) on
    the database backend; on RQ, failed and waiting jobs of its queues."""
    from django.utils import timezone
    from django_tasks import task_backends
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends["default"]
    if isinstance(backend, DatabaseBackend):
        results = DBTaskResult.objects.filter(enqueued_at__gte=since)
        statuses = Counter(results.values_list("status", flat=True))
        due = results.filter(status__in=["READY", "RUNNING"]).exclude(
            run_after__gt=timezone.now()
        )
        return statuses, due.count()
    import django_rq

    statuses: Counter = Counter()
    waiting = 0
    for name in backend.queues:
        queue = django_rq.get_queue(name)
        statuses["FAILED"] += queue.failed_job_registry.count
        waiting += queue.count + queue.started_job_registry.count
    return statuses, waiting


def drain_tasks(since, *, seconds: float) -> tuple[Counter, int, float | None]:
    """``tasks_report`` once the task worker has done every due task, or after
    ``seconds``; and how long that took (None: it had not)."""
    started = time.monotonic()
    while True:
        statuses, waiting = tasks_report(since)
        elapsed = time.monotonic() - started
        if not waiting:
            return statuses, waiting, elapsed
        if elapsed >= seconds:
            return statuses, waiting, None
        time.sleep(1)


# ------------------------------------------------------------ HTTP steps


async def post(
    stats: Stats,
    learner: Learner,
    step: str,
    url: str,
    *,
    expect,
    data: dict | None = None,
    json_body=None,
    headers: dict | None = None,
    follow_redirects: bool = False,
) -> Reply | None:
    """One timed POST (a form's fields in ``data``, list values repeated as a
    browser sends them, or ``json_body``); returns the reply, or None after
    recording an error."""
    headers = dict(headers or {})
    body = None
    if data is not None:
        body = urlencode(data, doseq=True)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    started = time.perf_counter()
    stats.requests += 1
    try:
        async with learner.client.post(
            url,
            data=body,
            json=json_body,
            headers=headers,
            allow_redirects=follow_redirects,
        ) as response:
            reply = await Reply.read(response)
    except TimeoutError:
        stats.error(step, "timeout")
        return None
    except aiohttp.ClientError as error:
        stats.error(step, type(error).__name__)
        return None
    stats.sample(step, time.perf_counter() - started, reply)
    problem = expect(reply)
    if problem:
        stats.error(step, problem)
        return None
    return reply


def _status(reply: Reply, code: int) -> str:
    if reply.status == code:
        return ""
    return f"HTTP {reply.status}"


async def start(stats, learner, begin_url, step) -> bool:
    """POST "Comenzar" and the attempt page; the page is kept to be read when
    the learner answers (``read_questions``)."""

    def expect(reply):
        if reply.status != 200:
            return f"HTTP {reply.status}"
        if "/evaluaciones/intentos/" not in reply.path:
            return f"landed on {reply.path}"
        return ""

    reply = await post(
        stats,
        learner,
        step,
        begin_url,
        expect=expect,
        data={"csrfmiddlewaretoken": learner.csrf},
        follow_redirects=True,
    )
    if reply is None:
        return False
    learner.attempt_path = reply.path
    learner.page = reply.text
    return True


def read_questions(stats, learner: Learner, step: str, expected: int) -> bool:
    """The attempt page's questions, read when the learner answers rather than
    during the starts (this client's CPU is the server's cores' too); an error
    of ``step`` when the page does not hold the final's questions."""
    learner.questions = parse_questions(learner.page)
    learner.page = ""
    if len(learner.questions) != expected:
        stats.error(step, f"{len(learner.questions)} questions (expected {expected})")
        return False
    return True


async def answers_for(learner: Learner, rng: random.Random) -> dict[int, object]:
    if learner.knows:
        uuid_text = learner.attempt_path.rstrip("/").rsplit("/", 1)[1]
        return await asyncio.to_thread(in_thread, right_tokens, uuid_text)
    return {q.position: random_tokens(q, rng) for q in learner.questions}


def all_fields(learner: Learner, answers: dict[int, object]) -> dict[str, object]:
    fields: dict[str, object] = {"csrfmiddlewaretoken": learner.csrf}
    for question in learner.questions:
        if question.position in answers:
            fields.update(form_fields(question, answers[question.position]))
    return fields


async def save_form(stats, learner, answers, step) -> None:
    """ "Guardar respuestas": every answer in one form post (303 back)."""

    def expect(reply):
        return _status(reply, 303)

    data = {**all_fields(learner, answers), "save": "1"}
    url = learner.attempt_path + "guardar/"
    if await post(stats, learner, step, url, expect=expect, data=data):
        learner.sent.update(answers)


async def save_json(stats, learner, position, tokens, step) -> None:
    """The page's background save of one answer."""

    def expect(reply):
        if reply.status != 200:
            return f"HTTP {reply.status}"
        if not reply.json().get("answered"):
            return "not saved"
        return ""

    reply = await post(
        stats,
        learner,
        step,
        learner.attempt_path + "guardar/",
        expect=expect,
        json_body={"position": position, "answer": tokens},
        headers={"X-CSRFToken": learner.csrf},
    )
    if reply is not None:
        learner.sent[position] = tokens


async def submit(stats, learner, step, times: int = 1) -> None:
    """Submit with the form as the page posts it (every answer it holds), and
    read the result page; ``times`` at once for a double click."""

    def expect(reply):
        if reply.status != 200:
            return f"HTTP {reply.status}"
        if not reply.path.endswith("/resultado/"):
            return f"landed on {reply.path}"
        return ""

    data = {**all_fields(learner, learner.sent), "submit-attempt": "1"}
    url = learner.attempt_path + "enviar/"
    await asyncio.gather(
        *(
            post(
                stats,
                learner,
                step,
                url,
                expect=expect,
                data=data,
                follow_redirects=True,
            )
            for _ in range(times)
        )
    )


async def sleep_until(moment: float) -> None:
    delay = moment - time.monotonic()
    if delay > 0:
        await asyncio.sleep(delay)


async def open_clients(learners, base: str, timeout: float, start_url: str, stats):
    """A client per learner with its session (its own cookies, one shared pool
    of connections); each opens the start page (the session works; the CSRF
    cookie comes with the page). Returns the pool, for ``close_clients``."""
    from django.conf import settings

    # gunicorn's sync workers close every connection after its response.
    connector = aiohttp.TCPConnector(limit=0, force_close=True)
    client_timeout = aiohttp.ClientTimeout(total=timeout)

    async def one(learner: Learner):
        learner.client = aiohttp.ClientSession(
            base_url=base,
            connector=connector,
            connector_owner=False,
            timeout=client_timeout,
            headers={"User-Agent": USER_AGENT},
            # unsafe: the jar keeps cookies set by an IP address (127.0.0.1)
            cookie_jar=aiohttp.CookieJar(unsafe=True),
            cookies={settings.SESSION_COOKIE_NAME: learner.session_key},
        )
        try:
            async with learner.client.get(start_url) as response:
                reply = await Reply.read(response)
        except (TimeoutError, aiohttp.ClientError) as error:
            stats.error("sign-in check", type(error).__name__)
            return
        learner.csrf = next(
            (
                cookie.value
                for cookie in learner.client.cookie_jar
                if cookie.key == settings.CSRF_COOKIE_NAME
            ),
            "",
        )
        if reply.status != 200 or "comenzar/" not in reply.text:
            stats.error("sign-in check", f"start page answered {reply.status}")
        elif not learner.csrf:
            stats.error("sign-in check", "no CSRF cookie")

    semaphore = asyncio.Semaphore(8)

    async def bounded(learner):
        async with semaphore:
            await one(learner)

    await asyncio.gather(*(bounded(learner) for learner in learners))
    return connector


async def close_clients(learners, connector) -> None:
    await asyncio.gather(*(one.client.close() for one in learners if one.client))
    if connector is not None:
        await connector.close()


# ------------------------------------------------------------ scenarios


async def warm_up(learners, begin_url, questions, stats, rng) -> None:
    """Each learner takes the final start to finish, four at a time, so that
    every gunicorn worker has served every step once (imports, URL resolvers,
    templates) before the timed part, as on a server that has been up a while.
    Their errors count; their times do not."""
    semaphore = asyncio.Semaphore(4)

    async def take(learner: Learner):
        async with semaphore:
            if await start(stats, learner, begin_url, "warm-up") and read_questions(
                stats, learner, "warm-up", questions
            ):
                await save_form(
                    stats, learner, await answers_for(learner, rng), "warm-up"
                )
                await submit(stats, learner, "warm-up")

    await asyncio.gather(*(take(learner) for learner in learners))
    stats.samples.pop("warm-up", None)
    stats.costs.pop("warm-up", None)


async def storm(args, learners, begin_url, questions, stats, rng) -> None:
    t0 = time.monotonic() + 0.5
    end = t0 + args.submit_window

    async def take(learner: Learner):
        await sleep_until(t0 + rng.uniform(0, args.start_window))
        if not await start(stats, learner, begin_url, "storm start"):
            return
        await sleep_until(rng.uniform(time.monotonic(), max(time.monotonic(), end - 1)))
        # The page read and the answers chosen when the learner saves, not at
        # the start: the key of those who know is read from the database in
        # this process, whose CPU is taken from the server's cores.
        if not read_questions(stats, learner, "storm start", questions):
            return
        answers = await answers_for(learner, rng)
        await save_form(stats, learner, answers, "storm save (all answers)")
        await sleep_until(rng.uniform(time.monotonic(), max(time.monotonic(), end)))
        await submit(stats, learner, "storm submit", times=2 if learner.double else 1)

    await asyncio.gather(*(take(learner) for learner in learners))


async def steady(args, learners, begin_url, questions, stats, rng) -> None:
    low, high = (seconds * args.think_scale for seconds in THINK_SECONDS)
    t0 = time.monotonic()

    async def take(learner: Learner):
        await sleep_until(t0 + rng.uniform(0, high))
        if not await start(
            stats, learner, begin_url, "steady start"
        ) or not read_questions(stats, learner, "steady start", questions):
            return
        stop_at = t0 + args.steady_seconds - rng.uniform(0, high)
        answers = await answers_for(learner, rng)
        for question in learner.questions:
            await asyncio.sleep(rng.uniform(low, high))
            if time.monotonic() >= stop_at:
                break
            await save_json(
                stats,
                learner,
                question.position,
                answers[question.position],
                "steady save (one answer)",
            )
        await sleep_until(stop_at)
        await submit(stats, learner, "steady submit")

    await asyncio.gather(*(take(learner) for learner in learners))


# --------------------------------------------------------------- report

STEP_ORDER = [
    "storm start",
    "storm save (all answers)",
    "storm submit",
    "steady start",
    "steady save (one answer)",
    "steady submit",
]


def print_table(stats: Stats) -> None:
    print(
        f"\n{'step':<26} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
        f"{'max ms':>8} {'CPU ms':>7} {'queries':>7}"
    )
    for step in STEP_ORDER:
        values = stats.samples.get(step)
        if not values:
            continue
        cells = [percentile(values, share) * 1000 for share in (0.5, 0.95, 0.99)]
        cells.append(max(values) * 1000)
        costs = stats.costs[step]
        cpu = percentile([cpu for cpu, _ in costs], 0.5)
        queries = percentile([queries for _, queries in costs], 0.5)
        print(
            f"{step:<26} {len(values):>5} "
            + " ".join(f"{cell:>8.0f}" for cell in cells)
            + f" {cpu:>7.1f} {queries:>7}"
        )
    print(
        "(latency includes the redirect and the page after it for start and "
        "submit; CPU ms and queries: the server's, median per request of the step)"
    )
    print("\nerrors:" + (" none" if not stats.errors else ""))
    for kind, count in sorted(stats.errors.items()):
        print(f"  {count:>5}  {kind}")


def print_reconciliation(name: str, found: Reconciliation) -> None:
    print(
        f"\n{name}: {found.learners} learners; attempts started {found.started}, "
        f"finalised {found.finalised}, learners with more than one "
        f"{found.more_than_one}; answers sent {found.answers_sent}, stored "
        f"{found.answers_stored}, lost or changed {found.lost}, stored but never "
        f"sent {found.unexpected}; competent {found.competent}"
        + ("" if found.ok else "  <-- MISMATCH")
    )


# ----------------------------------------------------------------- main


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--steady-takers", type=int, default=100)
    parser.add_argument("--steady-seconds", type=float, default=60)
    parser.add_argument(
        "--think-scale",
        type=float,
        default=0.1,
        help="multiplies the 30-90 s think time between answers (steady)",
    )
    parser.add_argument(
        "--warm-up",
        type=int,
        default=12,
        help="learners who take the final before the timed part (not timed)",
    )
    parser.add_argument("--start-window", type=float, default=1.0)
    parser.add_argument("--submit-window", type=float, default=10.0)
    parser.add_argument("--double-share", type=float, default=0.10)
    parser.add_argument("--pass-share", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument(
        "--server",
        help="use the server already running at this URL (http://127.0.0.1:PORT, "
        "on the same database) instead of starting gunicorn",
    )
    parser.add_argument(
        "--worker-command",
        default="",
        help="the task worker to run beside the server (manage.py arguments, "
        "e.g. 'db_worker --queue-name \"*\"'); none if empty",
    )
    parser.add_argument(
        "--drain",
        type=float,
        default=300,
        help="seconds to wait after the scenarios for the task worker to finish "
        "the due tasks (certificate PDFs) before the report",
    )
    parser.add_argument("--request-timeout", type=float, default=300)
    parser.add_argument(
        "--timeout", type=float, default=1200, help="for everything, setup included"
    )
    parser.add_argument("--seed", type=int, default=None)
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    database_url = os.environ.get("DATABASE_URL", "")
    try:
        check_database_url(database_url)
        base = check_server_url(args.server or f"http://{HOST}:{args.port}")
    except Refused as refused:
        print(refused, file=sys.stderr)
        return 2

    def out_of_time(signum, frame):
        raise OutOfTime(f"the global timeout of {args.timeout:.0f} s ran out")

    signal.signal(signal.SIGALRM, out_of_time)
    signal.alarm(int(args.timeout))
    django_setup()
    processes = Processes(args, {**os.environ, "PYTHONUNBUFFERED": "1"})
    try:
        return run(args, base, processes)
    except OutOfTime as error:
        print(f"\nSTOPPED: {error}", file=sys.stderr)
        return 2
    finally:
        signal.alarm(0)
        processes.stop()


def run(args, base: str, processes: Processes) -> int:
    from django.urls import reverse
    from django.utils import timezone

    from assessments.submission import assessment_plan

    rng = random.Random(args.seed)
    run_id = uuid.uuid4().hex[:6]
    final = final_assessment()
    questions = sum(row.count for row in assessment_plan(final)[0])
    start_url = final.get_url()
    # The start form posts here (by page id, past Wagtail's routing).
    begin_url = reverse("assessments:begin", args=[final.pk])
    began = timezone.now()
    print(
        f"Load test {run_id}: {args.learners} storm learners, {args.steady_takers} "
        f"steady takers, final of {questions} questions, {os.cpu_count()} cores, "
        f"load average {os.getloadavg()[0]:.1f} before setup."
    )
    setup_started = time.monotonic()
    storm_learners = create_learners(count=args.learners, run=run_id, label="storm")
    steady_learners = create_learners(
        count=args.steady_takers, run=run_id, label="steady"
    )
    warm_learners = create_learners(count=args.warm_up, run=run_id, label="warmup")
    for learner in rng.sample(storm_learners, round(args.pass_share * args.learners)):
        learner.knows = True
    for learner in rng.sample(storm_learners, round(args.double_share * args.learners)):
        learner.double = True
    for learner in rng.sample(
        steady_learners, round(args.pass_share * args.steady_takers)
    ):
        learner.knows = True
    print(
        f"Learners created and signed in in {time.monotonic() - setup_started:.0f} s."
    )
    if not args.server:
        processes.start()
        processes.wait_until_healthy(base)
        print(
            f"gunicorn: {args.workers} sync workers on {base}; task worker: "
            f"{args.worker_command or 'none'}."
        )
    stats = Stats()
    reconciliations = {}
    cpu = {}
    reference_before = reference_work()

    async def scenarios():
        everyone = storm_learners + steady_learners + warm_learners
        connector = None
        try:
            connector = await open_clients(
                everyone, base, args.request_timeout, start_url, stats
            )
            if not stats.errors:
                await warm_up(warm_learners, begin_url, questions, stats, rng)
                for name, learners, scenario in (
                    ("storm", storm_learners, storm),
                    ("steady", steady_learners, steady),
                ):
                    if learners:
                        cpu[name] = await measured(
                            scenario(args, learners, begin_url, questions, stats, rng)
                        )
        finally:
            await close_clients(everyone, connector)

    async def measured(scenario) -> tuple:
        """Run a scenario; (wall seconds, CPU seconds of the server, of the task
        worker and of this client, share of the machine's cores busy)."""
        server_cpu = process_cpu(processes.server_pids())
        worker_cpu = process_cpu(processes.worker_pids())
        own = resource.getrusage(resource.RUSAGE_SELF)
        busy = machine_busy()
        with CollectorPauses() as collector:
            started = time.monotonic()
            await scenario
            elapsed = time.monotonic() - started
        after = machine_busy()
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        return (
            elapsed,
            process_cpu(processes.server_pids()) - server_cpu,
            process_cpu(processes.worker_pids()) - worker_cpu,
            (own_after.ru_utime + own_after.ru_stime) - (own.ru_utime + own.ru_stime),
            (after[0] - busy[0]) / max(after[1] - busy[1], 1),
            collector.pauses,
        )

    asyncio.run(scenarios())
    reference_after = reference_work()
    print_table(stats)
    print(
        f"\nReference work (storm.reference_work: the machine's speed; lower is "
        f"faster): {reference_before:.1f} ms before the scenarios, "
        f"{reference_after:.1f} ms after."
    )
    print(
        "\nCPU seconds used while each scenario ran (server = gunicorn workers; "
        "machine = share of all cores busy, everyone's work included):"
    )
    for name, (elapsed, server, worker, client, busy, pauses) in cpu.items():
        # A server given with --server is not this script's child: not measured.
        served = "not measured" if args.server else f"{server:.1f}"
        print(
            f"  {name}: {elapsed:.1f} s wall; server {served}, task worker "
            f"{worker:.1f}, this client {client:.1f}; machine {busy:.0%} busy; "
            f"this client's full garbage collections {len(pauses)}, longest "
            f"{max(pauses, default=0) * 1000:.0f} ms"
        )
    reconciliations["storm"] = reconcile(storm_learners)
    reconciliations["steady"] = reconcile(steady_learners)
    reconciliations["warm-up"] = reconcile(warm_learners)
    for name, found in reconciliations.items():
        print_reconciliation(name, found)
    statuses, waiting, drained_in = drain_tasks(
        began, seconds=args.drain if processes.worker else 0
    )
    print(
        f"\nTasks enqueued during the run: {dict(statuses) or 'none'}; due and "
        f"still waiting: {waiting}"
        + (
            f" (the queue was empty {drained_in:.0f} s after the last scenario)."
            if drained_in is not None
            else "."
        )
    )
    failed = statuses.get("FAILED", 0)
    ok = not stats.errors and not failed and all(r.ok for r in reconciliations.values())
    print("\nRESULT: " + ("OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

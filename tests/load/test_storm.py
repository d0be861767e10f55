"""The load test's own parts, without a server (the load test itself runs with
`make load`, not in CI): it targets only this machine, reads the real attempt
page, and its reconciliation finds answers lost or stored without being sent;
the load settings' middleware reports each request's cost."""

import gc
import random

import pytest
from django.test import override_settings

from assessments.models import Attempt, Response
from tests.certificates.support import final_assessment
from tests.factories import LearnerFactory, meet_completion_rule
from tests.load import storm

URL_CASES = [
    ("http://127.0.0.1:8765", True),
    ("http://127.0.0.1:8765/", True),
    ("http://127.0.0.2:8765", False),
    ("http://localhost:8765", False),
    ("https://127.0.0.1:8765", False),
    ("http://10.0.0.5:8765", False),
    ("http://atiende.example.org", False),
    ("http://127.0.0.1:8765/otra/", False),
]


@pytest.mark.parametrize(("url", "allowed"), URL_CASES)
def test_only_this_machine_is_a_target(url, allowed):
    if allowed:
        assert storm.check_server_url(url) == url.rstrip("/")
    else:
        with pytest.raises(storm.Refused):
            storm.check_server_url(url)


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("postgres://postgres@127.0.0.1:5432/atiende_load", True),
        ("postgresql://postgres@localhost/carga_load_2", True),
        ("postgres:///atiende_load", True),
        ("postgres://postgres@db.example.org/atiende_load", False),
        ("postgres://postgres@127.0.0.1:5432/atiende", False),
        ("sqlite:///load.sqlite3", False),
        ("", False),
    ],
)
def test_only_a_local_load_database(url, allowed):
    if allowed:
        storm.check_database_url(url)
    else:
        with pytest.raises(storm.Refused):
            storm.check_database_url(url)


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert storm.percentile(values, 0.5) == 50
    assert storm.percentile(values, 0.99) == 99
    assert storm.percentile([3.0], 0.99) == 3


def _start(client, learner) -> storm.Learner:
    meet_completion_rule(learner, final_assessment())
    client.force_login(learner)
    page = final_assessment().get_url()
    response = client.post(page + "comenzar/", follow=True)
    assert response.status_code == 200
    taker = storm.Learner(user_id=learner.pk, session_key="")
    taker.attempt_path = response.request["PATH_INFO"]
    taker.questions = storm.parse_questions(response.content.decode())
    return taker


def _post_answers(client, taker, answers, action: str, **extra):
    fields = {}
    for question in taker.questions:
        if question.position in answers:
            fields.update(storm.form_fields(question, answers[question.position]))
    return client.post(taker.attempt_path + action, {**fields, **extra})


@pytest.mark.django_db
def test_the_harness_answers_the_real_attempt_page(client, initial_data):
    """Every question of the final is found on the page with its answer shape;
    random answers of every shape are accepted by the save and stored as sent,
    and the reconciliation says so."""
    taker = _start(client, LearnerFactory())
    assert len(taker.questions) == 36
    assert {q.shape for q in taker.questions} >= {"one", "list", "parts"}
    rng = random.Random(7)
    answers = {q.position: storm.random_tokens(q, rng) for q in taker.questions}
    response = _post_answers(client, taker, answers, "guardar/", save="1")
    assert response.status_code == 303
    taker.sent.update(answers)
    found = storm.reconcile([taker])
    assert (found.started, found.finalised) == (1, 0)
    assert (found.answers_sent, found.answers_stored, found.lost) == (36, 36, 0)
    response = _post_answers(
        client, taker, answers, "enviar/", **{"submit-attempt": "1"}
    )
    assert response.status_code == 303
    found = storm.reconcile([taker])
    assert found.ok
    assert found.finalised == 1


@pytest.mark.django_db
def test_the_reconciliation_finds_lost_and_unsent_answers(client, initial_data):
    """An answer sent but stored otherwise counts as lost; one stored that was
    never sent counts as unexpected."""
    taker = _start(client, LearnerFactory())
    rng = random.Random(3)
    answers = {q.position: storm.random_tokens(q, rng) for q in taker.questions}
    _post_answers(client, taker, answers, "guardar/", save="1")
    taker.sent.update(answers)
    attempt = Attempt.objects.get(learner_id=taker.user_id)
    Response.objects.filter(attempt=attempt, position=1).update(answer=None)
    del taker.sent[2]
    found = storm.reconcile([taker])
    assert (found.lost, found.unexpected) == (1, 1)
    assert not found.ok


@pytest.mark.django_db
def test_right_tokens_earn_full_marks(client, initial_data):
    """A learner who "knows" posts the key in the page's tokens: competent."""
    taker = _start(client, LearnerFactory())
    uuid_text = taker.attempt_path.rstrip("/").rsplit("/", 1)[1]
    answers = storm.right_tokens(uuid_text)
    assert set(answers) == {q.position for q in taker.questions}
    _post_answers(client, taker, answers, "enviar/", **{"submit-attempt": "1"})
    attempt = Attempt.objects.get(learner_id=taker.user_id)
    assert attempt.status == Attempt.Status.SUBMITTED
    assert attempt.competent is True


@pytest.mark.django_db
def test_the_cost_middleware_reports_cpu_and_queries(client, settings):
    with override_settings(
        MIDDLEWARE=["tests.load.middleware.RequestCostMiddleware", *settings.MIDDLEWARE]
    ):
        client.force_login(LearnerFactory())
        response = client.get("/mi-avance/")
    assert response.status_code == 200
    assert float(response["X-Load-Cpu-Ms"]) > 0
    assert int(response["X-Load-Queries"]) > 0


def _autogroup_line(pid):
    """The kernel's "/autogroup-N nice K" line for ``pid``, or None where the
    kernel or the sandbox does not show one (some containers give an empty file)."""
    from pathlib import Path

    try:
        text = Path(f"/proc/{pid}/autogroup").read_text().strip()
    except OSError:
        return None
    return text if text.startswith("/autogroup-") and " nice " in text else None


def test_the_task_worker_runs_in_a_lower_priority_group():
    """With autogroup (this machine's kernel), a worker in a session of its own
    has its whole group lowered, not only its niceness inside the group."""
    import os
    import subprocess

    ours = _autogroup_line(os.getpid())
    if ours is None:
        pytest.skip("this kernel or sandbox shows no autogroup")
    child = subprocess.Popen(["sleep", "30"], start_new_session=True)
    try:
        assert storm.lower_group_priority(child.pid, 19)
        assert _autogroup_line(child.pid).endswith(" nice 19")
        # ours is untouched
        assert _autogroup_line(os.getpid()) == ours
    finally:
        child.kill()
        child.wait()


@pytest.mark.django_db
def test_the_kept_page_is_read_when_the_learner_answers(client, initial_data):
    """The start keeps the attempt page; reading it finds the final's questions
    and frees it, and a page without them is an error of the step named."""
    taker = _start(client, LearnerFactory())
    page = client.get(taker.attempt_path).content.decode()
    stats = storm.Stats()
    taker.page = page
    assert storm.read_questions(stats, taker, "storm start", 36)
    assert len(taker.questions) == 36
    assert (taker.page, stats.errors) == ("", {})
    taker.page = page
    assert not storm.read_questions(stats, taker, "storm start", 30)
    assert stats.errors == {"storm start: 36 questions (expected 30)": 1}


def test_the_reference_work_is_the_same_work_each_time(monkeypatch):
    """The reference work renders the same template the same number of times
    whatever the machine, and reports the least CPU time of its tries."""
    from django.template import Template

    renders = []
    real = Template.render

    def counted(self, context):
        html = real(self, context)
        renders.append(html)
        return html

    monkeypatch.setattr(Template, "render", counted)
    took = storm.reference_work(repeats=2)
    assert took > 0
    assert len(renders) == 10
    assert len(set(renders)) == 1
    assert renders[0].count('class="form-check"') == 400
    assert "&lt;7&gt;" in renders[0]


def test_the_client_freezes_its_heap_and_times_its_full_collections():
    """While a scenario runs the client's heap is out of the collector's sight,
    and each full collection it still makes is timed; after it, the collector
    sees everything again and times nothing."""
    gc.unfreeze()
    callbacks = list(gc.callbacks)
    with storm.CollectorPauses() as collector:
        assert gc.get_freeze_count() > 0
        gc.collect(0)  # a young collection is not a pause worth reporting
        gc.collect()
        gc.collect()
    assert len(collector.pauses) == 2
    assert all(pause >= 0 for pause in collector.pauses)
    assert gc.get_freeze_count() == 0
    assert gc.callbacks == callbacks
    gc.collect()
    assert len(collector.pauses) == 2

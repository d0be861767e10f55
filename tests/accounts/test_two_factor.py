"""Two-factor sign-in: who must use it (the permission matrix), the code step
after the password (app codes, recovery codes used once, throttling), setting up
an app (QR code, recovery codes shown once), managing it, and the Wagtail and
Django admins holding unverified staff at the code step."""

import re
from base64 import b32encode
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group, User
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from freezegun import freeze_time

from accounts import roles, two_factor, two_factor_rules, two_factor_services
from accounts.models import UserSession
from portal.demo_two_factor import (
    DEMO_TOTP_KEY,
    DEMO_TOTP_SECRET,
    DEMO_TWO_FACTOR_USERS,
)
from rollout import qualification
from tests.accounts.two_factor_support import (
    ENROL_URL,
    VERIFY_URL,
    give_app,
    sign_in,
    sign_in_password,
)
from tests.factories import HRFactory, LearnerFactory, TrainerFactory, UserFactory
from tests.totp import code_at, fresh_code

pytestmark = pytest.mark.django_db

PAGE = reverse("notifications:preferences")  # any page that needs a sign-in
MANAGE_URL = reverse("accounts:two_factor_manage")
CODES_URL = reverse("accounts:two_factor_codes")


def evaluator():
    return UserFactory(groups=[roles.EVALUATORS])


def superuser():
    return UserFactory(is_superuser=True, is_staff=True)


def django_admin_user():
    return UserFactory(is_staff=True)


def wrong_code(device) -> str:
    right = fresh_code(device)
    return f"{(int(right) + 1) % 1_000_000:06d}"


# ---------------------------------------------------------- the permission matrix

ROLE_CASES = [
    # who, required, what the session owes right after the password
    pytest.param(LearnerFactory, False, None, id="learner"),
    pytest.param(TrainerFactory, True, ENROL_URL, id="trainer"),
    pytest.param(HRFactory, True, ENROL_URL, id="hr"),
    pytest.param(evaluator, True, ENROL_URL, id="evaluator"),
    pytest.param(superuser, True, ENROL_URL, id="superuser"),
    pytest.param(django_admin_user, True, ENROL_URL, id="django-admin-staff"),
]


@pytest.mark.parametrize(("make", "must", "step"), ROLE_CASES)
def test_who_must_use_a_second_factor(client, make, must, step):
    """Staff roles, Django-admin staff and superusers must set up an app right
    after the password and can open nothing else until then; a learner goes
    straight in."""
    user = make()
    assert two_factor.required(user) is must
    sign_in_password(client, user)
    response = client.get(PAGE)
    if step is None:
        assert response.status_code == 200
    else:
        assert response.status_code == 302
        assert response["Location"] == f"{step}?next={PAGE.replace('/', '%2F')}"
        assert client.get(step).status_code == 200


@pytest.mark.parametrize("make", [LearnerFactory, TrainerFactory, superuser])
def test_anyone_with_an_app_is_asked_for_its_code(client, make):
    """Once set up, the app is asked for at every sign-in, learners included."""
    user = make()
    give_app(user)
    sign_in_password(client, user)
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(VERIFY_URL)


def test_the_setting_off_lets_staff_without_an_app_in(client, settings):
    """ATIENDE_REQUIRE_STAFF_2FA off (dev only): staff without an app go
    straight in; those with one still give its code."""
    settings.ATIENDE_REQUIRE_STAFF_2FA = False
    sign_in_password(client, TrainerFactory())
    assert client.get(PAGE).status_code == 200
    other = Client()
    trainer = TrainerFactory()
    give_app(trainer)
    sign_in_password(other, trainer)
    assert other.get(PAGE)["Location"].startswith(VERIFY_URL)


def test_a_registered_rule_makes_it_required(monkeypatch):
    """Higher apps add roles they compute (rollout: multiplicadores)."""
    learner = LearnerFactory()
    assert not two_factor.required(learner)
    monkeypatch.setattr(two_factor_rules, "_predicates", [lambda u: u == learner])
    assert two_factor.required(learner)
    assert not two_factor.required(LearnerFactory())


def test_rollout_registers_multiplicadores():
    assert qualification.is_multiplicador in two_factor_rules._predicates


def test_a_role_granted_during_the_session_asks_within_a_minute(client):
    """A learner's session that owed nothing asks for the second factor at most
    a minute after a staff role is granted."""
    learner = LearnerFactory()
    start = timezone.now()
    with freeze_time(start) as clock:
        sign_in_password(client, learner)
        assert client.get(PAGE).status_code == 200
        learner.groups.add(Group.objects.get(name=roles.HR))
        clock.tick(timedelta(seconds=61))
        response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(ENROL_URL)


# ---------------------------------------------------------------- the code step


def test_right_code_signs_in_and_goes_on(client):
    """The app's code completes the sign-in: the session changes key and goes
    to the page first asked for; is_verified() holds."""
    user = TrainerFactory()
    device = give_app(user)
    sign_in_password(client, user, next_url=PAGE)
    first = client.get(PAGE)
    assert first["Location"].startswith(VERIFY_URL)
    key_before = client.session.session_key
    response = client.post(first["Location"], {"code": fresh_code(device)})
    assert response.status_code == 302
    assert response["Location"] == PAGE
    assert client.session.session_key != key_before
    assert client.session[two_factor.STATE_KEY] == two_factor.VERIFIED
    assert client.get(PAGE).status_code == 200
    assert client.get(reverse("accounts:sessions")).wsgi_request.user.is_verified()


def test_wrong_code_is_refused(client):
    user = TrainerFactory()
    device = give_app(user)
    sign_in_password(client, user)
    response = client.post(VERIFY_URL, {"code": wrong_code(device)})
    assert response.status_code == 400
    assert "El código no es correcto." in response.content.decode()
    assert client.get(PAGE)["Location"].startswith(VERIFY_URL)
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


@pytest.mark.parametrize("code", ["", "12345", "1234567", "abc", "x" * 40, "12\x0034"])
def test_malformed_codes_get_a_message(client, code):
    user = TrainerFactory()
    give_app(user)
    sign_in_password(client, user)
    response = client.post(VERIFY_URL, {"code": code})
    assert response.status_code == 400
    if "\x00" in code:  # refused by the request guard, before the form
        assert "carácter nulo" in response.content.decode()
    else:
        assert response.context["form"].errors["code"]


def test_a_code_is_accepted_once(client):
    """The same code cannot sign in a second session (a code seen over a
    shoulder is no use afterwards)."""
    user = LearnerFactory()
    device = give_app(user)
    code = code_at(device, timezone.now().timestamp())
    with freeze_time(timezone.now()):
        sign_in_password(client, user)
        assert client.post(VERIFY_URL, {"code": code}).status_code == 302
        other = Client()
        sign_in_password(other, user)
        assert other.post(VERIFY_URL, {"code": code}).status_code == 400


def test_wrong_codes_are_throttled(client):
    """After a wrong code the device refuses every code, the right one too, for
    a second, then two, four…: online guessing gets nowhere."""
    user = HRFactory()
    device = give_app(user)
    start = timezone.now()
    with freeze_time(start) as clock:
        sign_in_password(client, user)
        for wait in (1, 2, 4):
            client.post(VERIFY_URL, {"code": wrong_code(device)})
            if wait < 4:
                clock.tick(timedelta(seconds=wait))
        device.refresh_from_db()
        assert device.throttling_failure_count == 3
        refused = client.post(VERIFY_URL, {"code": fresh_code(device)})
        assert refused.status_code == 400
        assert "Demasiados códigos incorrectos" in refused.content.decode()
        device.refresh_from_db()
        assert device.throttling_failure_count == 3  # a refusal does not count
        clock.tick(timedelta(seconds=3))  # the third failure asks for 4 s
        assert client.post(VERIFY_URL, {"code": fresh_code(device)}).status_code == 400
        clock.tick(timedelta(seconds=2))
        passed = client.post(VERIFY_URL, {"code": fresh_code(device)})
    assert passed.status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_recovery_codes_sign_in_once_each(client):
    user = TrainerFactory()
    give_app(user)
    codes = two_factor_services.recovery_codes_generate(user=user)
    assert len(codes) == 10 == len(set(codes))
    sign_in_password(client, user)
    typed = f"{codes[0][:4].upper()}-{codes[0][4:]}"  # as printed, any case
    response = client.post(VERIFY_URL, {"code": typed}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "Te quedan 9" in response.content.decode()
    assert not StaticToken.objects.filter(token=codes[0]).exists()

    again = Client()
    sign_in_password(again, user)
    refused = again.post(VERIFY_URL, {"code": codes[0]})
    assert refused.status_code == 400
    assert again.get(PAGE)["Location"].startswith(VERIFY_URL)


def test_next_never_leaves_the_site(client):
    user = LearnerFactory()
    device = give_app(user)
    sign_in_password(client, user)
    for target in ("https://malicioso.example.com/", "//malicioso.example.com/"):
        response = client.post(VERIFY_URL, {"code": wrong_code(device), "next": target})
        assert target not in response.content.decode()
    device.refresh_from_db()
    device.throttle_reset()
    response = client.post(
        VERIFY_URL,
        {"code": fresh_code(device), "next": "https://malicioso.example.com/"},
    )
    assert response["Location"] == "/"


def test_verify_page_without_anything_owed_goes_on(client):
    client.force_login(LearnerFactory())
    response = client.get(f"{VERIFY_URL}?next={PAGE}")
    assert response.status_code == 302
    assert response["Location"] == PAGE


def test_verify_page_needs_a_sign_in(client):
    response = client.get(VERIFY_URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_a_pending_session_can_sign_out(client):
    user = TrainerFactory()
    give_app(user)
    sign_in_password(client, user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


# ------------------------------------------------------------------- the admins


@pytest.mark.parametrize("admin_url", ["/admin/", "/django-admin/"])
def test_admins_hold_unverified_staff_at_the_code_step(client, admin_url):
    """Wagtail's admin and Django's admin send a session that has not given its
    code to the code step, and open after it."""
    user = superuser()
    device = give_app(user)
    sign_in_password(client, user)
    response = client.get(admin_url)
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY_URL}?next={admin_url.replace('/', '%2F')}"
    client.post(VERIFY_URL, {"code": fresh_code(device)})
    assert client.get(admin_url).status_code == 200


def test_wagtail_admin_login_leads_to_the_code_step(client):
    """Signing in on Wagtail's own login page asks for the code too."""
    user = TrainerFactory()
    device = give_app(user)
    response = client.post(
        reverse("wagtailadmin_login"),
        {"username": user.username, "password": "password", "next": "/admin/"},
    )
    assert response.status_code == 302
    step = client.get(response["Location"])
    assert step["Location"].startswith(VERIFY_URL)
    verified = client.post(VERIFY_URL, {"code": fresh_code(device), "next": "/admin/"})
    assert verified["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_django_admin_login_leads_to_the_code_step(client):
    user = superuser()
    give_app(user)
    response = client.post(
        "/django-admin/login/?next=/django-admin/",
        {"username": user.username, "password": "password", "next": "/django-admin/"},
    )
    assert response.status_code == 302
    assert client.get("/django-admin/")["Location"].startswith(VERIFY_URL)


# ----------------------------------------------------------------- setting up


def test_staff_set_up_an_app_and_see_the_recovery_codes_once(client):
    """Enrolment: QR code and secret; the first code confirms it; ten recovery
    codes are shown once; the session is signed in; other sessions end."""
    user = TrainerFactory()
    elsewhere = Client()
    elsewhere.force_login(user)
    elsewhere.get(PAGE)
    UserSession.objects.create(user=user, session_key=elsewhere.session.session_key)

    sign_in_password(client, user, next_url=PAGE)
    page = client.get(ENROL_URL)
    html = page.content.decode()
    assert "<svg" in html
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html).group(1)
    assert secret.replace(" ", "") == b32encode(device.bin_key).decode()
    assert client.get(ENROL_URL).content.decode().count(secret) == 1  # same secret

    wrong = client.post(ENROL_URL, {"code": wrong_code(device)})
    assert wrong.status_code == 400
    with freeze_time(timezone.now() + timedelta(seconds=2)):
        done = client.post(ENROL_URL, {"code": fresh_code(device), "next": PAGE})
    assert done.status_code == 302
    assert done["Location"] == f"{CODES_URL}?next={PAGE.replace('/', '%2F')}"
    device.refresh_from_db()
    assert device.confirmed
    codes_page = client.get(done["Location"]).content.decode()
    stored = StaticToken.objects.filter(device__user=user).values_list(
        "token", flat=True
    )
    assert len(stored) == 10
    for token in stored:
        assert f"{token[:4]}-{token[4:]}" in codes_page
    assert 'download="atiende-codigos-de-recuperacion.txt"' in codes_page
    again = client.get(CODES_URL)
    assert again.status_code == 302  # shown once
    assert client.get(PAGE).status_code == 200
    assert elsewhere.get(PAGE).status_code == 302  # ended


def test_enrol_page_only_takes_app_codes(client):
    user = TrainerFactory()
    sign_in_password(client, user)
    client.get(ENROL_URL)
    response = client.post(ENROL_URL, {"code": "abcdefgh"})
    assert response.status_code == 400
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_learner_may_set_up_an_app_from_the_manage_page(client):
    user = LearnerFactory()
    client.force_login(user)
    page = client.get(MANAGE_URL).content.decode()
    assert "Inactiva" in page
    assert ENROL_URL in page
    assert client.get(ENROL_URL).status_code == 200


def test_enrol_with_an_app_already_goes_to_manage(client):
    user = LearnerFactory()
    give_app(user)
    client.force_login(user)
    assert client.get(ENROL_URL)["Location"] == MANAGE_URL


# -------------------------------------------------------------------- managing


def test_new_recovery_codes_need_a_code_and_replace_the_old(client):
    user = HRFactory()
    device = give_app(user)
    old = two_factor_services.recovery_codes_generate(user=user)
    sign_in(client, user)
    refused = client.post(MANAGE_URL, {"action": "codes", "code": "000000"})
    assert refused.status_code == 400
    assert set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    ) == set(old)
    device.refresh_from_db()
    device.throttle_reset()
    with freeze_time(timezone.now() + timedelta(seconds=31)):
        response = client.post(
            MANAGE_URL, {"action": "codes", "code": fresh_code(device)}
        )
    assert response["Location"] == CODES_URL
    new = set(
        StaticToken.objects.filter(device__user=user).values_list("token", flat=True)
    )
    assert len(new) == 10 and not new & set(old)


@pytest.mark.parametrize(
    ("make", "then"),
    [(LearnerFactory, MANAGE_URL), (TrainerFactory, ENROL_URL)],
    ids=["learner-turns-it-off", "staff-replace-their-phone"],
)
def test_removing_the_app_takes_a_code(client, make, then):
    """A learner turns the second factor off; staff, who must use one, replace
    their phone: they set up the new one at once, before anything else."""
    user = make()
    give_app(user)
    codes = two_factor_services.recovery_codes_generate(user=user)
    sign_in(client, user)
    response = client.post(MANAGE_URL, {"action": "remove", "code": codes[0]})
    assert response["Location"] == then
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not StaticDevice.objects.filter(user=user).exists()
    if then == ENROL_URL:
        assert client.get(PAGE)["Location"].startswith(ENROL_URL)
        return
    assert client.get(PAGE).status_code == 200
    other = Client()
    sign_in_password(other, user)
    assert other.get(PAGE).status_code == 200  # no code asked any more


@pytest.mark.parametrize("action", ["remove", "codes", "otra", ""])
def test_manage_changes_without_a_code_change_nothing(client, action):
    user = LearnerFactory()
    give_app(user)
    sign_in(client, user)
    response = client.post(MANAGE_URL, {"action": action, "code": ""})
    assert response.status_code in (302, 400)
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_a_device_deleted_by_an_administrator_sends_sessions_back(client):
    """An administrator resets a trainer's app (deletes it in Django's admin):
    the trainer's verified session must set up a new one at once."""
    user = TrainerFactory()
    give_app(user)
    sign_in(client, user)
    assert client.get(PAGE).status_code == 200
    TOTPDevice.objects.filter(user=user).delete()
    response = client.get(PAGE)
    assert response["Location"].startswith(ENROL_URL)


# ------------------------------------------------------------ demo and tests


def test_demo_staff_sign_in_with_the_demo_secret(client, initial_data, demo_password):
    """Every demo staff account has the README's demo secret; learners have
    no app."""
    assert DEMO_TOTP_SECRET == two_factor_services.secret_for_display(
        TOTPDevice(key=DEMO_TOTP_KEY)
    ).replace(" ", "")
    for username in DEMO_TWO_FACTOR_USERS:
        user = User.objects.filter(username=username).first()
        if user is None:  # multiplicador: only with the demo rollout
            continue
        assert two_factor_services.totp_device(user).key == DEMO_TOTP_KEY
    assert (
        two_factor_services.totp_device(User.objects.get(username="aprendiz")) is None
    )
    rh = User.objects.get(username="rh")
    sign_in(client, rh, password=demo_password)
    assert client.get(reverse("certificates:hr_list")).status_code == 200


def test_force_login_counts_as_signed_in_completely(client):
    """The suite's fixture: force_login stands for both steps."""
    user = TrainerFactory()
    give_app(user)
    client.force_login(user)
    assert client.get(PAGE).status_code == 200


def test_an_app_set_up_in_another_session_is_asked_for(client):
    """A trainer held at set-up who set the app up in another session is asked
    for its code here (no loop between the set-up and manage pages)."""
    user = TrainerFactory()
    sign_in_password(client, user)
    assert client.get(PAGE)["Location"].startswith(ENROL_URL)
    device = give_app(user)
    response = client.get(ENROL_URL)
    assert response["Location"] == VERIFY_URL
    client.post(VERIFY_URL, {"code": fresh_code(device)})
    assert client.get(PAGE).status_code == 200


def test_an_app_reset_while_at_the_code_step_leads_to_set_up(client):
    user = TrainerFactory()
    give_app(user)
    sign_in_password(client, user)
    TOTPDevice.objects.filter(user=user).delete()
    response = client.get(VERIFY_URL)
    assert response["Location"] == ENROL_URL

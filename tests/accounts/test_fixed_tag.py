"""``{% fixed %}`` (accounts/templatetags/fixed.py): a part that is the same on
every page is rendered once per language and kept; only parts that cannot
depend on the request are accepted."""

import pytest
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.defaulttags import URLNode
from django.test import override_settings
from django.utils import translation

from accounts.templatetags import fixed
from tests.factories import LearnerFactory

LOAD = "{% load i18n static fixed %}"


@pytest.fixture(autouse=True)
def _nothing_kept():
    fixed._forget()


def render(body: str, context=None) -> str:
    return Template(LOAD + body).render(Context(context or {}))


@pytest.mark.parametrize(
    "body",
    [
        "texto <b>fijo</b>",
        "{% translate 'Cerrar sesión' %}",
        '{% translate "Cerrar sesión" context "menú" %}',
        "{% url 'accounts:sessions' %}",
        "{% url 'standards:standard_detail' 'EC0305' %}",
        "{% url 'standards:standard_detail' code='EC0305' %}",
        "{% static 'css/theme.css' %}",
    ],
)
def test_text_and_literal_tags_are_accepted(body):
    Template(LOAD + "{% fixed %}" + body + "{% endfixed %}")


@pytest.mark.parametrize(
    "body",
    [
        "{{ user.username }}",
        "{{ 'texto'|upper }}",
        "{% csrf_token %}",
        "{% translate message %}",
        "{% translate 'Cerrar sesión' as label %}",
        "{% url 'standards:standard_detail' code %}",
        "{% url 'accounts:sessions' as link %}",
        "{% url view_name %}",
        "{% static path %}",
        "{% static 'css/theme.css' as sheet %}",
        "{% if user.is_authenticated %}a{% endif %}",
        "{% blocktranslate %}Hola{% endblocktranslate %}",
    ],
)
def test_anything_that_may_differ_between_requests_is_refused(body):
    with pytest.raises(TemplateSyntaxError):
        Template(LOAD + "{% fixed %}" + body + "{% endfixed %}")


def test_it_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template(LOAD + "{% fixed 'x' %}a{% endfixed %}")


def test_a_kept_part_is_rendered_once_and_is_the_part_rendered(monkeypatch):
    body = (
        "<a href=\"{% url 'accounts:sessions' %}\">{% translate 'Mis sesiones' %}</a>"
    )
    template = Template(LOAD + "{% fixed %}" + body + "{% endfixed %}")
    with translation.override("es-mx"):
        first = template.render(Context({}))
        assert first == render(body)
        reversed_urls = []
        real = URLNode.render
        monkeypatch.setattr(
            URLNode, "render", lambda self, c: reversed_urls.append(1) or real(self, c)
        )
        assert template.render(Context({"user": "otra persona"})) == first
    assert reversed_urls == []
    assert first == '<a href="/accounts/sesiones/">Mis sesiones</a>'


def test_each_language_has_its_own_part():
    body = "{% fixed %}{% translate 'Cerrar sesión' %}{% endfixed %}"
    template = Template(LOAD + body)
    with translation.override("es-mx"):
        assert template.render(Context({})) == "Cerrar sesión"
    with translation.override("en"):
        assert template.render(Context({})) == "Log out"
    with translation.override("es-mx"):
        assert template.render(Context({})) == "Cerrar sesión"


def test_a_change_of_settings_forgets_every_part():
    template = Template(LOAD + "{% fixed %}{% static 'css/theme.css' %}{% endfixed %}")
    assert template.render(Context({})) == "/static/css/theme.css"
    with override_settings(STATIC_URL="/recursos/"):
        assert template.render(Context({})) == "/recursos/css/theme.css"
    assert template.render(Context({})) == "/static/css/theme.css"


@pytest.mark.django_db
def test_the_site_frame_is_kept_but_not_who_is_signed_in(client):
    """Two people's pages share the frame, each with their own name and
    token."""
    pages = []
    for name in ("Ana", "Beto"):
        client.force_login(LearnerFactory(first_name=name, last_name="Ruiz"))
        pages.append(client.get("/mi-avance/").content.decode())
    assert "Ana Ruiz" in pages[0] and "Ana Ruiz" not in pages[1]
    assert "Beto Ruiz" in pages[1]
    for page in pages:
        assert 'href="/accounts/sesiones/"' in page
        assert "Saltar al contenido" in page
        assert page.count('name="csrfmiddlewaretoken"') == 2


def test_the_engine_s_templates_load_it():
    assert "fixed" in Engine.get_default().template_libraries

"""The course content as a certified trainer would sign it: one register (tú) and
one spelling ("solo"), knowledge checks without giveaways, practice for every
performance criterion, honest minutes, illustrations that are safe and described,
and the telephone rules and meanings reconciled. Most tests read the data files
and the source; the last ones load the course."""

import ast
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth.models import User

from courses import illustrations
from courses.content_loader import CONTENT_DIR
from courses.models import CoursePage, LessonPage, ModulePage

ROOT = Path(settings.BASE_DIR)
COURSE = CONTENT_DIR / "ec0305"
MODULES = sorted(COURSE.glob("0*.yaml"))
APPS = [
    "accounts", "standards", "courses", "assessments", "evaluation",
    "certificates", "rollout", "compliance", "portal", "site", "config",
]  # fmt: skip
INSTRUMENTS = ROOT / "evaluation" / "content" / "instruments.yaml"


def modules():
    return [
        (path.name, yaml.safe_load(path.read_text(encoding="utf-8")))
        for path in MODULES
    ]


def blocks(kind):
    for name, module in modules():
        for lesson in module["lessons"]:
            for block in lesson["body"]:
                if block["type"] == kind:
                    yield name, lesson, block["value"]


# ------------------------------------------------------------------- register
# Forms of "usted" that address the reader. Staff address customers as usted,
# and that is right: dialogue lines, quotations («…») and quotes are skipped.
USTED_VERBS = (
    "observe tenga confirme pregunte evite atienda diga recuerde mantenga haga sea "
    "ofrezca pida dele dígale pruebe varíe hable pronuncie déjelo escúchelo muéstrese "
    "apóyese reconozca canalice invente conserve cuide regrese descubra reduzca "
    "explique acompáñelo acepte contradiga interrumpa contagie ponga suba repita "
    "apresure siga salte pase explíquele despídase resuma obligue aplique avise "
    "memorice piense defina precise anuncie revise respire mire deje asienta "
    "resuélvalo verifique use utilice ventile ajuste retire acérquese escuche traduzca "
    "solicite vaya elija ingrese seleccione introduzca escriba asegúrese programe "
    "registre mida vuelva"
).split()
USTED_WORD = re.compile(r"\b(" + "|".join(USTED_VERBS) + r")\b", re.IGNORECASE)
PRONOUN = re.compile(r"\busted(es)?\b", re.IGNORECASE)
QUOTED = re.compile(r"«[^»]*»|“[^”]*”")
TAGS = re.compile(r"<[^>]+>")


def _starts_clause(before: str, word: str) -> bool:
    """An imperative opens its clause; the same form inside a clause ("que la
    persona tenga") is a subjunctive about someone else."""
    before = TAGS.sub(" ", before).rstrip()
    if re.search(r"(^|[.:;,!?¡¿(—])\s*no$", before, re.IGNORECASE):
        return True  # "No memorice", "…; no invente"
    if not before or before[-1] in ".:;!?¡¿(":
        return word[0].isupper() or not before
    return before[-1] in ",—" or bool(re.search(r"\b(ni|pero)$", before))


def usted_forms(text: str) -> list[str]:
    text = QUOTED.sub(" ", text)
    found = [
        m.group(0)
        for m in USTED_WORD.finditer(text)
        if _starts_clause(text[: m.start()], m.group(0))
    ]
    found += [
        m.group(0)
        for m in PRONOUN.finditer(text)
        if not re.search(r"\b(de|con)\s*(<[^>]+>)?$", text[: m.start()])
    ]
    return found


def learner_facing_texts(node):
    """Every string of a module addressed to the learner: dialogue lines and
    quotations of what staff or customers say are left out."""
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        if node.get("type") == "dialogue":
            yield from (
                turn["note"] for turn in node["value"]["turns"] if turn.get("note")
            )
            return
        if node.get("type") == "quote":
            return
        for key, value in node.items():
            if key not in {"slug", "type", "speaker", "name", "criterion"}:
                yield from learner_facing_texts(value)
    elif isinstance(node, list):
        for value in node:
            yield from learner_facing_texts(value)


def test_the_detector_tells_usted_from_tu():
    """The register check flags an instruction in usted and leaves alone tú, a
    subjunctive about the customer, a quotation and "trato de usted"."""
    assert usted_forms("Observe varias señales, confirme y pregunte.") == [
        "Observe",
        "confirme",
    ]
    assert usted_forms("<li>Sea amable.</li>") == ["Sea"]
    assert usted_forms("Mientras usted explica.") == ["usted"]
    assert (
        usted_forms("Observa, confirma y pregunta «¿Me permite su credencial?».") == []
    )
    assert usted_forms("Pide a la persona que lo confirme.") == []
    assert usted_forms("Trátala de <strong>usted</strong>.") == []


def test_lessons_and_knowledge_checks_address_the_learner_as_tu():
    """Every module speaks to the learner as tú (courses/content/README.md,
    "Registro y ortografía")."""
    problems = [
        f"{name}: {form!r} in {text[:80]!r}"
        for name, module in modules()
        for text in learner_facing_texts(module)
        for form in usted_forms(text)
    ]
    assert problems == []


def _gettext_strings(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy", "pgettext",
             "pgettext_lazy", "gettext_noop"}  # fmt: skip
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            func = node.func
            name = getattr(func, "id", None) or getattr(func, "attr", None)
            if name in names:
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                        yield arg.value


TRANSLATE = re.compile(r"""\{%\s*(?:translate|trans)\s+(["'])(.*?)\1""", re.S)
BLOCKTRANSLATE = re.compile(
    r"\{%\s*blocktrans(?:late)?\b.*?%\}(.*?)\{%\s*endblocktrans(?:late)?\s*%\}", re.S
)


def interface_strings():
    """(file, Spanish source string) of every template and gettext call."""
    for app in APPS:
        for path in (ROOT / app).rglob("*"):
            if "migrations" in path.parts:
                continue
            if path.suffix == ".py":
                strings = _gettext_strings(path)
            elif path.suffix in {".html", ".txt"}:
                text = path.read_text(encoding="utf-8")
                strings = [m.group(2) for m in TRANSLATE.finditer(text)]
                strings += [m.group(1) for m in BLOCKTRANSLATE.finditer(text)]
            else:
                continue
            for string in strings:
                yield path.relative_to(ROOT), string


INTERFACE_USTED = re.compile(
    r"\b(Ingrese|Seleccione|Introduzca|Elija|Escriba|Haga clic|Verifique|Intente|"
    r"Espere|Revise|Confirme|Descargue|Guarde|Utilice|Presione|Pulse|Inicie sesión|"
    r"Regrese|Vuelva a|Consulte|Indique|Marque|Acepte|Cambie|Agregue|Suba|Lea|"
    r"Comuníquese|Contacte|Asegúrese|Solicite|Recuerde|Tenga en cuenta)\b"
)


def test_interface_strings_address_the_user_as_tu():
    """The Spanish source strings of templates and gettext calls use tú: no
    "Ingrese", "Seleccione", "Haga clic"... (an instruction in usted)."""
    found = [
        f"{path}: {string[:80]!r}"
        for path, string in interface_strings()
        if INTERFACE_USTED.search(string)
    ]
    assert found == []
    assert len(list(interface_strings())) > 500  # the scan reads the real sources


def test_solo_is_written_without_accent():
    """ "solo" is never written "sólo", in the course or in the interface."""
    course = [path.name for path in COURSE.glob("*.yaml") if "sólo" in path.read_text()]
    interface = [
        str(p) for p, s in interface_strings() if re.search(r"\bsólo\b", s, re.I)
    ]
    assert course == [] and interface == []


# ----------------------------------------------------------- knowledge checks


def test_knowledge_checks_do_not_give_the_answer_away():
    """Across the lessons' knowledge checks the right option is the longest in at
    most 40 % of them and never over 1.5 times the longest other option; no
    position holds more than 40 % of the right answers."""
    checks = [value["options"] for _n, _l, value in blocks("knowledge_check")]
    assert len(checks) >= 29
    longest = 0
    positions = Counter()
    for options in checks:
        (key,) = [i for i, option in enumerate(options) if option.get("correct")]
        lengths = [len(option["text"]) for option in options]
        other = max(length for i, length in enumerate(lengths) if i != key)
        assert lengths[key] <= 1.5 * other, options[key]["text"]
        longest += lengths[key] > other
        positions[key] += 1
    assert longest <= 0.4 * len(checks)
    assert max(positions.values()) <= 0.4 * len(checks), positions


# ------------------------------------------------------------------- practice


def _practised(lesson) -> set[str]:
    codes = set()
    for block in lesson["body"]:
        if block["type"] == "role_play":
            codes |= {item["criterion"] for item in block["value"]["checklist"]}
        elif block["type"] == "self_check":
            codes |= {
                i["criterion"] for i in block["value"]["items"] if i.get("criterion")
            }
    return codes


def test_every_module_practises_the_performance_criteria_it_teaches():
    """In each module for learners, every performance or product criterion
    (E*-D*, E*-P*) that a lesson teaches is practised by a role-play or a
    self-check of the same module; every module has practice."""
    for name, module in modules():
        if module.get("audience") == "trainers":
            continue
        taught = {
            code
            for lesson in module["lessons"]
            for code in lesson.get("criteria", [])
            if re.match(r"E\d-[DP]\d", code)
        }
        practised = set().union(*(_practised(lesson) for lesson in module["lessons"]))
        assert practised, name
        assert taught - practised == set(), name


def test_role_play_checklists_are_drawn_from_the_guia():
    """Each item of an observer's list is tagged with a criterion that the guía de
    observación or the lista de cotejo observes, so practice and evaluation look
    at the same conducts; each role-play has its minutes and both roles."""
    instruments = yaml.safe_load(INSTRUMENTS.read_text(encoding="utf-8"))
    observed = {
        item["criterion"]
        for instrument in instruments
        if instrument["kind"] in {"observation", "checklist"}
        for item in instrument["items"]
    }
    role_plays = list(blocks("role_play"))
    assert len(role_plays) >= 15
    for name, _lesson, value in role_plays:
        assert (
            value["minutes"] >= 15 and value["customer_role"] and value["server_role"]
        )
        tags = {item["criterion"] for item in value["checklist"]}
        assert tags <= observed, (name, value["title"], tags - observed)


def _words(lesson) -> int:
    body = [b for b in lesson["body"] if b["type"] not in {"role_play", "self_check"}]
    return len(TAGS.sub(" ", " ".join(learner_facing_texts(body))).split())


def test_lesson_minutes_are_honest():
    """Each lesson's own minutes allow at most 120 words a minute for its text
    (practice activities carry their own minutes on top)."""
    for name, module in modules():
        for lesson in module["lessons"]:
            words = _words(lesson)
            assert lesson["minutes"] * 120 >= words, (name, lesson["slug"], words)


# --------------------------------------------------------------- illustrations


def test_every_illustration_is_a_safe_titled_svg():
    """Each drawing of the fixed set is an SVG in site/static/illustrations with a
    viewBox and a Spanish <title>, and nothing that runs or loads from outside;
    no file is left out of the set."""
    folder = ROOT / "site" / "static" / illustrations.STATIC_FOLDER
    assert {path.stem for path in folder.glob("*.svg")} == set(
        illustrations.ILLUSTRATIONS
    )
    for name in illustrations.ILLUSTRATIONS:
        text = (folder / f"{name}.svg").read_text(encoding="utf-8")
        root = ET.fromstring(text)
        assert root.tag.endswith("svg") and root.get("viewBox"), name
        title = root.find("{http://www.w3.org/2000/svg}title")
        assert title is not None and len(title.text) > 20, name
        assert not re.search(r"<script|<foreignObject|\son\w+=|href=|url\(", text), name


def test_illustrations_in_the_course_have_meaningful_alt_text():
    """The course shows the postures, gestures, faces and the service area, each
    with alt text that says what it means (not just its caption)."""
    shown = set()
    for _name, _lesson, value in blocks("illustrations"):
        for item in value["items"]:
            shown.add(item["name"])
            assert len(item["alt"]) >= 30 and ":" in item["alt"], item
            assert item["alt"] != item.get("caption")
    assert shown == set(illustrations.ILLUSTRATIONS)


# ------------------------------------------------- telephone rules, meanings


def test_the_seventeen_telephone_rules_and_one_third_ring_rule():
    """The telephone case lists the 17 golden rules, including the five that were
    missing, and the third ring has one rule: at the latest on the third ring."""
    text = (COURSE / "07_casos-protocolos-de-atencion.yaml").read_text(encoding="utf-8")
    (lesson,) = [
        lesson
        for _n, module in modules()
        for lesson in module["lessons"]
        if lesson["slug"] == "programa-social-atencion-telefonica"
    ]
    rules = next(
        b["value"]
        for b in lesson["body"]
        if b["type"] == "paragraph" and "<ol>" in b["value"]
    )
    items = BeautifulSoup(rules, "html.parser").find_all("li")
    assert len(items) == 17
    joined = " ".join(item.get_text(" ") for item in items)
    missing_before = (
        "en el lugar de quien llama",
        "Sigue el ritmo",
        "manos libres",
        "cuaderno",
        "quedaron en llamarte",
        "funciones de tu teléfono",
    )
    for rule in missing_before:
        assert rule in joined, rule
    all_text = "".join(path.read_text(encoding="utf-8") for path in MODULES)
    assert "antes del tercer timbre" not in all_text
    assert "a más tardar al tercer timbre" in text


def test_looking_down_has_one_meaning():
    """Looking down while the other person talks means not believing what one
    hears (the seeds' facial expression); boredom is the head resting on the
    hands. No table gives looking at the floor as boredom."""
    rows = {
        row["left"]: row["right"]
        for _n, _l, value in blocks("comparison_table")
        for row in value["rows"]
    }
    assert (
        rows["Mirar hacia abajo mientras el otro habla"]
        == "No cree lo que está escuchando"
    )
    assert rows["Apoyar la cabeza en las manos"] == "Aburrimiento"
    assert not [left for left in rows if re.search(r"piso|suelo", left)]


# ------------------------------------------------------- duration (database)


@pytest.mark.django_db
def test_course_page_shows_the_sum_of_the_lesson_minutes(initial_data, client):
    """The course's duration is computed: the course page shows the sum of the
    estimated minutes of its lessons for learners, which include their practice
    activities; course.yaml declares no hours."""
    assert "duration_hours" not in (COURSE / "course.yaml").read_text()
    course = CoursePage.objects.get(slug="ec0305-atencion-a-clientes")
    trainer_paths = ModulePage.objects.filter(audience="trainers").values_list(
        "path", flat=True
    )
    minutes = sum(
        lesson.minutes
        for lesson in LessonPage.objects.live().descendant_of(course)
        if not any(lesson.path.startswith(path) for path in trainer_paths)
    )
    client.force_login(User.objects.get(username="aprendiz"))
    soup = BeautifulSoup(client.get(course.url).content, "html.parser")
    shown = soup.select_one('[data-testid="course-duration"] time')
    assert int(shown["data-duration-minutes"]) == minutes
    hours, rest = divmod(minutes, 60)
    assert shown["datetime"] == f"PT{hours}H{rest}M"
    assert shown.get_text(" ", strip=True) == f"{hours} horas {rest} minutos"
    assert minutes >= 12 * 60  # reading plus practice: no longer about 6 hours


@pytest.mark.django_db
def test_lesson_minutes_add_the_practice_activities(initial_data):
    """A loaded lesson's minutes are its file's minutes plus its activities'."""
    for name, module in modules():
        for lesson in module["lessons"]:
            page = LessonPage.objects.get(slug=lesson["slug"])
            extra = sum(
                b["value"]["minutes"]
                for b in lesson["body"]
                if b["type"] in {"role_play", "self_check"}
            )
            assert page.minutes == lesson["minutes"] + extra, (name, lesson["slug"])


@pytest.mark.django_db
def test_a_lesson_cannot_last_less_than_its_activities(initial_data):
    """Saving a lesson whose minutes are below the sum of its activities'
    minutes fails with a message on the minutes field."""
    from django.core.exceptions import ValidationError

    page = LessonPage.objects.get(slug="practica-elemento-1")
    page.minutes = 10
    with pytest.raises(ValidationError) as error:
        page.full_clean()
    assert "minutes" in error.value.message_dict
    page.minutes = 80
    page.full_clean()

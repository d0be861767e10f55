"""The shipped content and how it is loaded: the standard, the question bank and
the course, with the sections of a course that upper apps own."""

from pathlib import Path

import yaml

from assessments.content_loader import load_assessments
from assessments.question_services import question_bank_load
from courses import content_loader
from courses.models import HomePage
from evaluation import content_loader as evaluation_content
from standards.models import Standard
from standards.services import standard_load

STANDARD_FILE = Path(__file__).resolve().parents[1] / "standards/content/ec0305.yaml"
QUESTIONS_FILE = (
    Path(__file__).resolve().parents[1] / "assessments/content/questions.yaml"
)

# Sections of course.yaml loaded by apps above courses.
COURSE_SECTIONS = {"assessments": load_assessments}


def standard_file_load(path: Path = STANDARD_FILE) -> Standard:
    with path.open(encoding="utf-8") as handle:
        return standard_load(data=yaml.safe_load(handle))


def question_file_load(path: Path = QUESTIONS_FILE):
    """Raises assessments.question_services.QuestionDataError when invalid."""
    with path.open(encoding="utf-8") as handle:
        return question_bank_load(entries=yaml.safe_load(handle))


def course_load(
    course_dir: Path | None = None, *, home: HomePage
) -> content_loader.LoadReport:
    """Load a course folder (default: the shipped EC0305 course). Raises
    courses.content_loader.ContentError when invalid (nothing changed)."""
    return content_loader.load_course(
        course_dir or content_loader.CONTENT_DIR / "ec0305",
        home=home,
        section_loaders=COURSE_SECTIONS,
    )


def evaluation_content_load():
    """The EC0305 instruments and scenarios. Raises
    evaluation.content_loader.EvaluationDataError when invalid."""
    instruments = evaluation_content.instruments_load(
        entries=evaluation_content.read("instruments.yaml")
    )
    scenarios = evaluation_content.scenarios_load(
        entries=evaluation_content.read("scenarios.yaml")
    )
    return instruments, scenarios

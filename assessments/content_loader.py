"""The assessments of a course data file (the ``assessments`` section of
course.yaml), loaded through the course loader's rules for people's edits."""

from courses.content_loader import ContentError, PageLoader
from courses.models import CoursePage

from .models import AssessmentPage, BlueprintRow, Question


def load_assessments(
    loader: PageLoader, course: CoursePage, course_key: str, section: list
) -> None:
    for data in section:
        _load_assessment(loader, course, course_key, data)


def _load_assessment(loader: PageLoader, course, course_key: str, data) -> None:
    key = f"{course_key}/{data['slug']}"
    for row in data["blueprint"]:
        if row["element"] not in loader.elements:
            raise ContentError(f"{key}: unknown element {row['element']}")
        if row.get("criterion") and row["criterion"] not in loader.criteria:
            raise ContentError(f"{key}: unknown criterion {row['criterion']}")
        if row.get("cover") and row.get("criterion"):
            raise ContentError(f"{key}: a row that covers names no criterion")
        if row.get("level", "") not in ("", *Question.Level.values):
            raise ContentError(f"{key}: unknown knowledge level {row['level']}")
    if data.get("completion_rule", "none") not in AssessmentPage.CompletionRule:
        raise ContentError(f"{key}: unknown completion rule")
    if data.get("layout", "all") not in AssessmentPage.Layout:
        raise ContentError(f"{key}: unknown layout")
    loader.upsert(
        key=key,
        parent=course,
        model=AssessmentPage,
        slug=data["slug"],
        title=data["title"],
        fields={
            "mode": data.get("mode", AssessmentPage.Mode.FINAL),
            "intro": data.get("intro", ""),
            "time_limit_minutes": data.get("time_limit_minutes", 30),
            "attempts_allowed": data.get("attempts_allowed", 3),
            "wait_hours": data.get("wait_hours", 0),
            "review_answers": data.get("review_answers", "after_last"),
            "layout": data.get("layout", AssessmentPage.Layout.ALL),
            "completion_rule": data.get(
                "completion_rule", AssessmentPage.CompletionRule.NONE
            ),
            "completion_percent": data.get("completion_percent", 100),
        },
        relations={"blueprint": data["blueprint"]},
        set_relations=lambda page, relations: _set_blueprint(loader, page, relations),
    )


def _set_blueprint(loader: PageLoader, page: AssessmentPage, relations) -> None:
    page.blueprint_rows = [
        BlueprintRow(
            element=loader.elements[row["element"]],
            criterion=loader.criteria.get(row.get("criterion")),
            count=row["count"],
            cover=bool(row.get("cover")),
            knowledge_level=row.get("level", ""),
            threshold_percent=row.get("threshold", 80),
        )
        for row in relations["blueprint"]
    ]

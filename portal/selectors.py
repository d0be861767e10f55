"""The learner's dashboard: what each layer has to show one person."""

from assessments import learner_selectors
from certificates import selectors as certificate_selectors
from courses import selectors as course_selectors


def dashboard(*, user) -> dict:
    """Courses with progress, the assessments of those courses with every attempt,
    and the certificates held; a fixed number of queries however many there are."""
    outlines = course_selectors.dashboard(user=user)
    return {
        "outlines": outlines,
        "assessments": learner_selectors.assessments_in_courses(
            courses=[outline.course for outline in outlines]
        ),
        "attempts": learner_selectors.learner_attempt_history(user=user),
        "certificates": certificate_selectors.certificates_for_holder(user=user),
    }

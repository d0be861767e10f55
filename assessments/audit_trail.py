"""The question bank in the audit trail: trainers (its authors) read who
changed a question's stem, answers and key."""

from accounts import audit, roles

from .models import Question


def register() -> None:
    audit.track(
        Question,
        section=audit.Section.CONTENT,
        describe=lambda record: f"{record.code}: {record.stem[:70]}",
    )
    audit.allow(Question, audit.readable_by(roles.is_trainer))

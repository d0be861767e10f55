"""A judgement for every final questionnaire graded before judgements existed,
dated when it was handed in, so that certificates can rest on them."""

from django.db import migrations


def backfill(apps, schema_editor):
    Attempt = apps.get_model("assessments", "Attempt")
    ElementResult = apps.get_model("assessments", "ElementResult")
    Judgement = apps.get_model("evaluation", "Judgement")
    ElementVerdict = apps.get_model("evaluation", "ElementVerdict")
    judged = Judgement.objects.filter(method="questionnaire").values("attempt")
    attempts = (
        Attempt.objects.filter(
            status="submitted", assessment__mode="final", competent__isnull=False
        )
        .exclude(pk__in=judged)
        .order_by("pk")
    )
    for attempt in attempts.iterator():
        results = list(
            ElementResult.objects.filter(attempt=attempt).select_related("element")
        )
        standards = {result.element.standard_id for result in results}
        if len(standards) != 1:
            continue
        judgement = Judgement.objects.create(
            candidate_id=attempt.learner_id,
            standard_id=standards.pop(),
            competent=attempt.competent,
            decided_at=attempt.submitted_at or attempt.started_at,
            method="questionnaire",
            attempt=attempt,
        )
        ElementVerdict.objects.bulk_create(
            ElementVerdict(
                judgement=judgement,
                element_id=result.element_id,
                competent=result.passed,
                earned=result.earned,
                possible=result.possible,
            )
            for result in results
        )


class Migration(migrations.Migration):
    dependencies = [
        ("evaluation", "0001_initial"),
        ("assessments", "0005_standard_moved_to_standards"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]

"""Each certificate issued from an attempt now rests on the judgement of that
attempt (evaluation/0002 made one for every graded final)."""

from django.db import migrations


def link(apps, schema_editor):
    Certificate = apps.get_model("certificates", "Certificate")
    Judgement = apps.get_model("evaluation", "Judgement")
    judgements = dict(
        Judgement.objects.filter(method="questionnaire").values_list(
            "attempt_id", "pk"
        )
    )
    for certificate in Certificate.objects.filter(judgement__isnull=True):
        judgement_id = judgements.get(certificate.attempt_id)
        if judgement_id is None:
            raise RuntimeError(
                f"Certificate {certificate.serial}: its attempt has no judgement"
            )
        certificate.judgement_id = judgement_id
        certificate.save(update_fields=["judgement"])


class Migration(migrations.Migration):
    dependencies = [("certificates", "0004_certificate_judgement_and_render_state")]

    operations = [migrations.RunPython(link, migrations.RunPython.noop)]

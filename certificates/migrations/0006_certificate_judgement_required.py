import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("certificates", "0005_certificates_point_to_judgements")]

    operations = [
        migrations.RemoveConstraint(
            model_name="certificate",
            name="one_original_certificate_per_attempt",
        ),
        migrations.RemoveField(model_name="certificate", name="attempt"),
        migrations.AlterField(
            model_name="certificate",
            name="judgement",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="evaluation.judgement",
                verbose_name="juicio en que se basa",
            ),
        ),
        migrations.AddConstraint(
            model_name="certificate",
            constraint=models.UniqueConstraint(
                condition=models.Q(("replaces__isnull", True)),
                fields=("judgement",),
                name="one_original_certificate_per_judgement",
            ),
        ),
    ]

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0003_standard_moved_to_standards"),
        ("evaluation", "0002_judgements_of_past_finals"),
    ]

    operations = [
        migrations.AddField(
            model_name="certificate",
            name="judgement",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="certificates",
                to="evaluation.judgement",
                verbose_name="juicio en que se basa",
            ),
        ),
        migrations.AddField(
            model_name="certificate",
            name="render_error",
            field=models.TextField(blank=True),
        ),
        migrations.AddField(
            model_name="certificate",
            name="render_failures",
            field=models.PositiveSmallIntegerField(default=0),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="pdf",
            field=models.FileField(blank=True, upload_to="certificates/%Y/%m/"),
        ),
        migrations.AlterField(
            model_name="certificate",
            name="pdf_sha256",
            field=models.CharField(
                blank=True, max_length=64, verbose_name="SHA-256 del PDF"
            ),
        ),
    ]

"""Wagtail documents become courses.PrivateDocument (WAGTAILDOCS_DOCUMENT_MODEL):
each wagtaildocs.Document is copied with its id (so links in lessons, which name
the id, keep working), its tags and its file, which moves from the public media
folder to the private storage.

Not atomic on purpose: each document is copied, committed, and only then is
the original row and file deleted, so an interruption loses nothing and
running it again carries on. Permissions stay those of wagtaildocs.Document:
Wagtail checks every document model against them."""

from django.core.files.storage import storages
from django.core.management.color import no_style
from django.db import connection, migrations

from accounts.private_files import move_file


def copy_documents(apps, schema_editor):
    Old = apps.get_model("wagtaildocs", "Document")
    New = apps.get_model("courses", "PrivateDocument")
    ContentType = apps.get_model("contenttypes", "ContentType")
    TaggedItem = apps.get_model("taggit", "TaggedItem")
    public, private = storages["default"], storages["private"]
    old_type, _ = ContentType.objects.get_or_create(
        app_label="wagtaildocs", model="document"
    )
    new_type, _ = ContentType.objects.get_or_create(
        app_label="courses", model="privatedocument"
    )
    for old in Old.objects.order_by("pk").iterator():
        if New.objects.filter(pk=old.pk).exists():
            continue
        name = old.file.name
        in_public = bool(name) and public.exists(name)
        if in_public:
            name = move_file(public, name, private, name)
        New.objects.create(
            pk=old.pk,
            title=old.title,
            file=name,
            uploaded_by_user_id=old.uploaded_by_user_id,
            collection_id=old.collection_id,
            file_size=old.file_size,
            file_hash=old.file_hash,
        )
        # created_at is auto_now_add: set the original date afterwards.
        New.objects.filter(pk=old.pk).update(created_at=old.created_at)
        TaggedItem.objects.filter(content_type=old_type, object_id=old.pk).update(
            content_type=new_type
        )
        old.delete()
        if in_public:
            public.delete(old.file.name)
    # Rows were inserted with their ids: move PostgreSQL's sequence past them.
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [New]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("courses", "0007_private_documents"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(copy_documents, migrations.RunPython.noop),
    ]

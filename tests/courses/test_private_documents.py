"""Migration courses/0008: documents uploaded before WAGTAILDOCS_DOCUMENT_MODEL
became courses.PrivateDocument are copied with their ids (lesson links name the
id) and tags, and their files leave the public media folder."""

import importlib

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from wagtail.documents.models import Document as WagtailDocument

from accounts.private_files import private_storage
from courses.models import PrivateDocument

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "courses.migrations.0008_documents_to_private_storage"
)


def test_old_documents_move_to_the_private_model_and_storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    old = WagtailDocument.objects.create(
        title="Reglamento",
        file=ContentFile(b"%PDF-1.4 reglamento", name="reglamento.pdf"),
    )
    old.tags.add("politicas")
    public_name = old.file.name
    assert default_storage.exists(public_name)

    migration.copy_documents(apps, None)
    migration.copy_documents(apps, None)  # a second run changes nothing

    new = PrivateDocument.objects.get(pk=old.pk)
    assert new.title == "Reglamento"
    assert new.created_at == old.created_at
    assert list(new.tags.names()) == ["politicas"]
    assert new.file.storage.location == private_storage().location
    with new.file.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 reglamento"
    assert not default_storage.exists(public_name)
    assert not WagtailDocument.objects.filter(pk=old.pk).exists()
    assert PrivateDocument.objects.filter(title="Reglamento").count() == 1
    new.file.delete(save=False)

import time
import pytest
from courses.models import *
from wagtail.models import Revision, Page

@pytest.mark.django_db
def test_smoke(initial_data, client):
    print(LessonPage.objects.count(), ModulePage.objects.count(), Revision.objects.count(), ContentSource.objects.count())
    for m in ModulePage.objects.all(): print(m.title, m.audience, m.url)
    l = LessonPage.objects.first()
    print(l.url)
    r = client.get(l.url); print(r.status_code, r.get("Location"))
    r = client.get("/"); print(r.status_code)

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import access, services
from .models import CoursePage, LessonPage

SEARCH_PAGE_SIZE = 10


@login_required
@require_POST
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    services.course_enrol(user=request.user, course=course)
    messages.success(request, _("Te inscribiste en «%(course)s».") % {"course": course})
    return redirect(course.get_url(request))


def search(request):
    query = request.GET.get("q", "").strip()[:200]
    results = LessonPage.objects.none()
    if query:
        # Lessons for trainers stay hidden from learners here too.
        lessons = access.lessons_visible_to(request.user, LessonPage.objects.live())
        results = lessons.defer_streamfields().search(query)
    page = Paginator(results, SEARCH_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "courses/search.html",
        {"search_query": query, "results": page},
    )

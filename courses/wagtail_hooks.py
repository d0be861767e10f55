"""Documents (courses.PrivateDocument) are for signed-in users only: a lesson may link
one for its learners, but an anonymous visitor who has the link is sent to sign
in first. Wagtail's own collection restrictions still apply after this."""

from django.contrib.auth.views import redirect_to_login
from wagtail import hooks


@hooks.register("before_serve_document")
def documents_require_sign_in(document, request):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    return None

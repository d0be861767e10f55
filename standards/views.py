from django.http import Http404
from django.shortcuts import redirect, render

from . import selectors


def standard_detail(request, code: str):
    canonical = selectors.canonical_standard_code(code)
    if canonical != code:
        return redirect("standards:standard_detail", code=canonical, permanent=True)
    standard = selectors.standard_with_criteria(code=canonical)
    if standard is None:
        raise Http404
    return render(
        request,
        "standards/standard_detail.html",
        {"standard": standard, "attitudes": selectors.attitudes(standard=standard)},
    )

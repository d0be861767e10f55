from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from . import selectors


@login_required
def dashboard(request):
    return render(
        request, "portal/dashboard.html", selectors.dashboard(user=request.user)
    )

from __future__ import annotations

import contextlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST
from django.views.i18n import set_language

from aduan.accounts.permissions import is_customer, is_staff_member
from aduan.accounts.services import set_language as save_language
from aduan.core.errors import ApplicationError


def home(request: HttpRequest) -> HttpResponse:
    """The front page: people who are logged in go to their own side of Aduan."""
    user = request.user
    if user.is_authenticated:
        if is_customer(user):
            return redirect("portal:home")
        if is_staff_member(user):
            return redirect("console:home")
    return render(request, "core/home.html")


@require_POST
def switch_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (cookie and redirect back), and for a logged-in person
    their ``User.language`` too, so the choice follows them to every device."""
    response = set_language(request)
    user = request.user
    if user.is_authenticated:
        # An unknown language is ignored, as set_language ignores it: the page stays as it was.
        with contextlib.suppress(ApplicationError):
            save_language(actor=user, language=request.POST.get("language", ""))
    return response

"""Logging in and out of the console, and changing one's password."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from aduan.accounts import services as accounts
from aduan.accounts.permissions import is_division_staff
from aduan.console.access import actor, staff_required
from aduan.console.forms import StaffLoginForm
from aduan.core.errors import ApplicationError
from aduan.core.web import apply_error


class LoginView(auth_views.LoginView):
    template_name = "console/login.html"
    authentication_form = StaffLoginForm
    redirect_authenticated_user = True
    next_page = "console:home"


class LogoutView(auth_views.LogoutView):
    next_page = "console:login"


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """Division staff start at their inbox; everyone else at their queues."""
    if is_division_staff(actor(request)):
        return redirect("console:inbox")
    return redirect("console:queues")


@staff_required
def password_change(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    form = PasswordChangeForm(user, request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                accounts.change_password(
                    actor=user, new_password=form.cleaned_data["new_password1"]
                )
            except ApplicationError as exc:
                apply_error(form, exc, {"new_password": "new_password1"})
                status = exc.status
            else:
                update_session_auth_hash(request, user)
                messages.success(request, _("Your password has been changed."))
                return redirect("console:home")
        else:
            status = 400
    context: dict[str, Any] = {"form": form}
    return render(request, "console/password_change.html", context, status=status)

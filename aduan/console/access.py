"""Who may open which console page. The services check every write again; these decorators
only keep people away from pages that would show them nothing they may use."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

from aduan.accounts.models import User
from aduan.accounts.permissions import is_admin, is_front_staff, is_staff_member
from aduan.core.permissions import Capability
from aduan.core.web import is_htmx

View = TypeVar("View", bound=Callable[..., HttpResponseBase])
StrOrPromise = str | Promise


def actor(request: HttpRequest) -> User:
    return cast(User, request.user)


def _guard(allowed: Capability[[User]], message: StrOrPromise) -> Callable[[View], View]:
    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                if is_htmx(request):
                    # A poll after the session ended: the whole page goes to the login.
                    return HttpResponseClientRedirect(reverse("console:login"))
                return redirect_to_login(request.get_full_path(), reverse("console:login"))
            if user.is_customer:
                # Customers have their own side of Aduan.
                return redirect("portal:home")
            if not allowed(user):
                raise PermissionDenied(message)
            return view(request, *args, **kwargs)

        return cast(View, wrapped)

    return decorator


def staff_required(view: View) -> View:
    return _guard(is_staff_member, _("This page is for staff."))(view)


def front_staff_required(view: View) -> View:
    return _guard(is_front_staff, _("Only front-line staff may use this page."))(view)


def admin_required(view: View) -> View:
    return _guard(is_admin, _("Only administrators may use this page."))(view)

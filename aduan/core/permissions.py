"""Capabilities: the named questions "may this person do that?", and the one way to refuse.

Each app states what may be done with its things in its own ``permissions.py``, as small
predicates made with ``@capability(refusal)``. Services call ``require(may_x, user, ...)``,
which raises ``PermissionDenied`` with the capability's translated refusal; the API, the
console, the portal and the templates call the same predicates to decide what to offer.
Roles are compared only in those modules. This module imports no other app.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Generic, ParamSpec

from django.utils.functional import Promise

from aduan.core.errors import PermissionDenied

P = ParamSpec("P")
StrOrPromise = str | Promise
# A fixed message, or one built from the capability's own arguments.
Refusal = StrOrPromise | Callable[..., StrOrPromise]


class Capability(Generic[P]):
    """A yes/no predicate about a person (and maybe an object) with the message that
    refuses it. Call it like the function it wraps."""

    def __init__(self, check: Callable[P, bool], refusal: Refusal, field: str | None) -> None:
        self.check = check
        self.refusal = refusal
        self.field = field
        functools.update_wrapper(self, check)

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> bool:
        return self.check(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<capability {self.check.__module__}.{self.check.__qualname__}>"

    def message(self, *args: P.args, **kwargs: P.kwargs) -> str:
        """The translated refusal for these arguments."""
        if callable(self.refusal):
            return str(self.refusal(*args, **kwargs))
        return str(self.refusal)

    def denied(self, *args: P.args, **kwargs: P.kwargs) -> PermissionDenied:
        return PermissionDenied(self.message(*args, **kwargs), field=self.field)


def capability(
    refusal: Refusal, *, field: str | None = None
) -> Callable[[Callable[P, bool]], Capability[P]]:
    """Make a predicate a capability; ``refusal`` says, translated, what is refused."""

    def wrap(check: Callable[P, bool]) -> Capability[P]:
        return Capability(check, refusal, field)

    return wrap


def require(allowed: Capability[P], *args: P.args, **kwargs: P.kwargs) -> None:
    """Raise ``PermissionDenied`` with the capability's refusal unless it allows this."""
    if not allowed(*args, **kwargs):
        raise allowed.denied(*args, **kwargs)

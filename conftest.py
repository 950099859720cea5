"""Test fixtures shared by every app: an organisation, one user per role, and API clients."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client

from aduan.core import cache
from aduan.core.sequences import forget_cached_sequences


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    # Configuration rows are rolled back after each test; so must be what caches them
    # (every per-process cache is registered in aduan.core.cache).
    cache.clear_all()
    forget_cached_sequences()
    yield
    cache.clear_all()


@pytest.fixture(autouse=True)
def _media_root(tmp_path: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def org(db: None) -> Any:
    from aduan.tests.factories import build_organisation

    return build_organisation()


class ApiClient:
    """A Django test client that speaks JSON with a bearer token."""

    def __init__(self, token: str | None = None, language: str = "en") -> None:
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        self.token = token

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"} if self.token else {}

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers())

    def post(self, path: str, data: Any = None, **kwargs: Any) -> Any:
        if "files" in kwargs:
            return self.client.post(
                f"/api/v1{path}", {**(data or {}), **kwargs["files"]}, headers=self._headers()
            )
        return self.client.post(
            f"/api/v1{path}",
            data if data is not None else {},
            content_type="application/json",
            headers=self._headers(),
        )

    def patch(self, path: str, data: Any) -> Any:
        return self.client.patch(
            f"/api/v1{path}", data, content_type="application/json", headers=self._headers()
        )

    def delete(self, path: str) -> Any:
        return self.client.delete(f"/api/v1{path}", headers=self._headers())


@pytest.fixture
def api(org: Any) -> Any:
    """``api("agent")`` is a JSON client logged in as the organisation's agent."""
    from aduan.accounts.services import issue_token

    def make(username: str | None = None, language: str = "en") -> ApiClient:
        if username is None:
            return ApiClient(language=language)
        token = issue_token(username=username, password="pw")
        return ApiClient(token, language=language)

    return make

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_the_front_page_links_to_the_api_documentation_and_the_administration():
    response = Client().get("/")
    assert response.status_code == 200
    assert b'href="/api/v1/docs"' in response.content
    assert b'href="/admin/"' in response.content

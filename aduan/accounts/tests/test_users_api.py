from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_staff_list_the_people_of_a_team_to_pick_an_assignee(api, org):
    response = api("leader").get("/users", {"team": "helpdesk"})
    assert response.status_code == 200
    assert [person["username"] for person in response.json()] == ["agent", "agent2", "leader"]


def test_customers_cannot_list_staff(api, org):
    assert api("alice").get("/users").status_code == 403


def test_me_tells_who_is_logged_in(api, org):
    body = api("division").get("/me").json()
    assert body["role"] == "division"
    assert body["teams"] == ["div-network"]


@pytest.mark.parametrize("params", [{"team": "help\u0000desk"}, {"role": "boss"}])
def test_bad_user_filters_are_a_400_naming_the_field(api, org, params):
    response = api("leader").get("/users", params)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == next(iter(params))

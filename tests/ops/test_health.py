"""/healthz: 200 when the database and the broker answer, 503 naming the one that does not."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_both_reachable_answers_200_without_sign_in(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"database": "ok", "broker": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_broker_down_answers_503_naming_the_broker(client, settings):
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["database"] == "ok" and body["broker"].startswith("unreachable")


@pytest.mark.django_db(transaction=True)
def test_database_down_answers_503_naming_the_database(client):
    connection.close()
    saved = dict(connection.settings_dict)
    connection.settings_dict["HOST"] = "/nonexistent-socket-dir"
    try:
        response = client.get("/healthz")
    finally:
        connection.close()
        connection.settings_dict.clear()
        connection.settings_dict.update(saved)
    assert response.status_code == 503
    body = response.json()
    assert body["database"].startswith("unreachable: OperationalError") and body["broker"] == "ok"


def test_only_get(client):
    assert client.post("/healthz").status_code == 405


def test_plain_http_probe_is_not_redirected_to_https(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/healthz").status_code == 200
    assert client.get("/accounts/login/").status_code == 301

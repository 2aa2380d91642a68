"""S6: defaults that fail closed — production refuses debug and the development key, sign-ins and
writes are throttled, weak passwords are refused, a 500 is logged with its traceback, demo users
exist only in development."""

import json
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.password_validation import validate_password
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django.urls import path

REPO = Path(__file__).resolve().parents[1]
PRODUCTION_KEY = "k" * 40 + "-a-real-secret-0123456789"


def boom(request):
    raise RuntimeError("the view failed on purpose")


urlpatterns = [path("boom/", boom)]


def run(args, **env_changes):
    env = {k: v for k, v in os.environ.items()
           if k not in ("DJANGO_DEBUG", "DJANGO_SECRET_KEY", "GRIDMGMT_ENV", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    env.update(env_changes)
    return subprocess.run([sys.executable, *args], cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def test_wsgi_server_with_debug_unset_and_no_key_refuses_to_start():
    result = run(["-c", "import gridmgmt.wsgi"])
    assert result.returncode != 0 and "DJANGO_SECRET_KEY must be set" in result.stderr


def test_production_refuses_debug_on():
    result = run(["manage.py", "check"], GRIDMGMT_ENV="production", DJANGO_DEBUG="1", DJANGO_SECRET_KEY=PRODUCTION_KEY)
    assert result.returncode != 0 and "refuses DJANGO_DEBUG=1" in result.stderr


def test_production_refuses_the_development_key():
    result = run(["manage.py", "check"], DJANGO_DEBUG="0", DJANGO_SECRET_KEY="dev-only-insecure-key")
    assert result.returncode != 0 and "not the development key" in result.stderr


def test_production_with_debug_unset_and_a_real_key_starts_with_debug_off():
    result = run(["manage.py", "shell", "-c", "from django.conf import settings; print(settings.DEBUG)"],
                 GRIDMGMT_ENV="production", DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_ALLOWED_HOSTS="grid.example.org")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_check_deploy_passes_in_production_environment():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], GRIDMGMT_ENV="production",
                 DJANGO_SECRET_KEY=PRODUCTION_KEY, DJANGO_ALLOWED_HOSTS="grid.example.org")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("password", ["1", "12345678901", "password123", "gridworker"])
def test_password_validators_refuse_weak_passwords(password, db):
    user = get_user_model()(username="gridworker")
    with pytest.raises(ValidationError):
        validate_password(password, user)


def test_admin_user_form_refuses_password_1(db):
    form = AdminUserCreationForm(data={"username": "someone", "password1": "1", "password2": "1", "usable_password": "true"})
    assert not form.is_valid() and "password2" in form.errors


@pytest.fixture
def fresh_cache():
    cache.clear()
    yield
    cache.clear()


def test_thirty_wrong_passwords_lock_the_sign_in_even_for_the_right_one(db, fresh_cache):
    get_user_model().objects.create_user("worker", password="right-horse-battery")
    client = Client()
    for _ in range(30):
        client.post("/accounts/login/", {"username": "worker", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "worker", "password": "right-horse-battery"})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session


def test_a_few_wrong_passwords_then_the_right_one_signs_in(db, fresh_cache):
    get_user_model().objects.create_user("worker", password="right-horse-battery")
    client = Client()
    for _ in range(2):
        client.post("/accounts/login/", {"username": "worker", "password": "wrong"})
    response = client.post("/accounts/login/", {"username": "worker", "password": "right-horse-battery"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def write_rate(settings, rate):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"],
                                                          "write": rate}}


def test_api_writes_are_throttled_per_user(db, settings, fresh_cache):
    from rest_framework.test import APIClient

    write_rate(settings, "3/minute")
    client = APIClient()
    client.force_authenticate(get_user_model().objects.create_user("poster"))
    codes = [client.post("/api/events/", {}, format="json").status_code for _ in range(4)]
    assert codes[:3] == [400, 400, 400] and codes[3] == 429
    assert client.get("/api/events/").status_code == 200  # reads are not counted


def test_open311_posts_are_throttled_per_key_in_open311_format(db, settings, fresh_cache, capsys):
    write_rate(settings, "2/minute")
    call_command("create_api_key", "hotline")
    key = capsys.readouterr().out.strip().splitlines()[-1]
    codes = []
    for _ in range(3):
        response = Client().post("/open311/v2/requests.json", {"api_key": key, "service_code": "0000"})
        codes.append(response.status_code)
    assert codes == [400, 400, 429]
    assert json.loads(response.content)[0]["code"] == 429 and int(response["Retry-After"]) >= 1


@override_settings(ROOT_URLCONF="tests.test_safe_defaults", DEBUG=False)
def test_a_500_is_logged_with_its_traceback(db, caplog):
    client = Client(raise_request_exception=False)
    with caplog.at_level(logging.ERROR, logger="django.request"):
        assert client.get("/boom/").status_code == 500
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info and "the view failed on purpose" in str(record.exc_info[1])


def test_errors_reach_stderr_through_the_root_logger(settings):
    assert settings.LOGGING["handlers"]["stderr"]["class"] == "logging.StreamHandler"
    assert "stderr" in settings.LOGGING["root"]["handlers"]
    assert settings.LOGGING["loggers"]["django"]["propagate"] is True


def test_demo_users_are_refused_outside_development(db, settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="development only"):
        call_command("create_demo_users")
    assert not get_user_model().objects.exists()

"""The API driven from its own OpenAPI schema (schemathesis + hypothesis): no request may get a 5xx.

Every operation of ``/api/schema/`` is called with generated parameters and bodies (valid and
invalid) by a signed-in district leader over a tiny district with a catalogue and a report, through
Django's test client. Examples are few and drawn in a fixed order (derandomised) so the run stays
short and repeatable; ``GRIDMGMT_SCHEMA_EXAMPLES`` raises the number for a deeper local run. The
tally (operations, requests, status classes) is printed with ``-s``.
"""

import json
import os
from collections import Counter

import pytest
import schemathesis
from django.contrib.auth import get_user_model
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig

from gridmgmt.accounts.models import Role, RoleAssignment
from gridmgmt.events.services import event_create
from tests.events.conftest import areas, catalogue, media_root  # noqa: F401  (shared tiny areas)

EXAMPLES = int(os.environ.get("GRIDMGMT_SCHEMA_EXAMPLES", "4"))
TALLY: Counter = Counter()
OPERATIONS: set = set()


def api_schema():
    """The API's own OpenAPI document, as /api/schema/ serves it."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    # Generated examples only (the fuzzing phase); the explicit-example and coverage phases would
    # multiply the requests far past what a suite run can afford.
    config = SchemathesisConfig.from_dict({"phases": {"examples": {"enabled": False},
                                                      "coverage": {"enabled": False},
                                                      "stateful": {"enabled": False}}})
    return schemathesis.openapi.from_dict(json.loads(json.dumps(document, default=str)), config=config)


@pytest.fixture
def leader_client(areas, catalogue, media_root, settings):  # noqa: F811
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK,
                               "DEFAULT_THROTTLE_RATES": {"write": "100000/minute"}}
    user = get_user_model().objects.create_user("fuzz-leader", "fuzz@example.org")
    RoleAssignment.objects.create(user=user, role=Role.DISTRICT_LEADER)
    from django.contrib.gis.geos import Point

    event_create(small_class_code="1102", point=Point(113.265, 23.125, srid=4326), channel="hotline",
                 description="样例")
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


@pytest.fixture(scope="module", autouse=True)
def tally_report():
    yield
    print(f"\nschema-driven API run: {len(OPERATIONS)} operations, {sum(TALLY.values())} requests, "
          f"by status class {dict(sorted(TALLY.items()))}")


schema = api_schema()


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(leader_client, case):
    kwargs = case.as_transport_kwargs()
    method, url = kwargs["method"].lower(), case.formatted_path
    params = {k: v for k, v in (case.query or {}).items()}
    headers = {k: v for k, v in (case.headers or {}).items() if k.lower() not in ("content-length", "host")}
    content_type = case.media_type or "application/json"
    if method in ("get", "delete", "head"):
        response = getattr(leader_client, method)(url, params, headers=headers)
    else:
        query = "?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else ""
        if case.body is None:
            data = b""
        elif content_type == "application/json":
            data = json.dumps(case.body, default=str)
        elif content_type.startswith("multipart/") or content_type == "application/x-www-form-urlencoded":
            body = case.body if isinstance(case.body, dict) else {}
            data = {k: ("" if v is None else v if not isinstance(v, (dict, list)) else json.dumps(v))
                    for k, v in body.items()}
            content_type = None if content_type.startswith("multipart/") else content_type
            if content_type:
                from urllib.parse import urlencode

                data = urlencode(data)
        else:
            data = case.body if isinstance(case.body, (str, bytes)) else json.dumps(case.body, default=str)
        extra = {"content_type": content_type} if content_type else {}
        response = getattr(leader_client, method)(url + query, data, headers=headers, **extra)
    OPERATIONS.add(f"{kwargs['method']} {case.operation.path}")
    TALLY[f"{response.status_code // 100}xx"] += 1
    assert response.status_code < 500, (
        f"{kwargs['method']} {url} params={params} body={case.body!r} -> {response.status_code}: "
        f"{response.content[:500]!r}")

"""The OpenAPI document at /api/v1/openapi.json is kept true: schemathesis runs every check
(server errors, status codes, content types, headers, response schemas, negative data
rejection, ignored auth) against the app with a bearer token, positive and negative data."""
from __future__ import annotations

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis import GenerationConfig
from schemathesis.checks import ALL_CHECKS

from tests.events.test_checkin_helpers import (
    make_event,  # noqa: F401  (window open now)
    make_registration,
    make_token,
)


def _hypothesis_jsonschema_compat() -> None:
    """hypothesis-jsonschema 0.23 calls `many(...).more()`, which newer Hypothesis replaced by
    `with many(...) as m: for _ in m:`. Give `many` a `more()` built on the new protocol."""
    from hypothesis.internal.conjecture import utils as cu

    if hasattr(cu.many, "more"):
        return

    class CompatMany(cu.many):
        def more(self) -> bool:
            if self._depth is None:
                self.__enter__()
                self._compat_iter = iter(self)
            try:
                next(self._compat_iter)
                return True
            except StopIteration:
                self.__exit__(None)
                return False

    cu.many = CompatMany


_hypothesis_jsonschema_compat()


@pytest.fixture
def api_schema(app):
    return schemathesis.from_wsgi(
        "/api/v1/openapi.json", app,
        data_generation_methods=[schemathesis.DataGenerationMethod.positive,
                                 schemathesis.DataGenerationMethod.negative],
        # We send a real bearer token; generated cookie/CSRF values would only shadow it.
        generation_config=GenerationConfig(with_security_parameters=False))


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture
def api_token(app, make_user, make_event):
    """A panitia token and an event with id 1..3 so generated ids sometimes hit real rows."""
    user = make_user("panitia")
    for _ in range(3):
        event = make_event()
        make_registration(app, event, name="Siti Aminah", phone="+6281234567890")
    return make_token(app, user)


@schema.parametrize()
@settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_conforms_to_its_openapi_document(case, api_token):
    # ignored_auth forges credentials into these containers, which are None without parameters.
    case.headers = case.headers or {}
    case.cookies = case.cookies or {}
    case.call_and_validate(headers={"Authorization": f"Bearer {api_token}"}, checks=ALL_CHECKS)


def test_openapi_document_lists_every_api_route(app, client):
    spec = client.get("/api/v1/openapi.json").json
    assert spec["openapi"].startswith("3.")
    documented = {(path, method.upper()) for path, ops in spec["paths"].items() for method in ops}
    routes = set()
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/") and rule.endpoint != "api.openapi_spec":
            path = rule.rule[len("/api/v1"):].replace("<int:", "{").replace(">", "}")
            routes |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented
    assert set(spec["components"]["securitySchemes"]) >= {"bearerAuth", "cookieAuth"}

"""The API's blueprint and its plumbing: endpoints that describe themselves for OpenAPI,
problem+json answers, JSON bodies and query strings checked by pydantic, ETag / If-Match,
and page links."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from flask import Blueprint, g, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException

from tracker.accounts.models import User
from tracker.core.errors import problem
from tracker.core.exceptions import ConflictError, DomainError
from tracker.extensions import db
from tracker.tasks import workflow
from tracker.units.models import Unit

if TYPE_CHECKING:
    from pydantic import BaseModel, ValidationError

bp = Blueprint("api", __name__, url_prefix="/api/v1")


class _Schemas:
    """tracker.api.schemas, imported at its first use: its models and pydantic (some 8 MB a
    process) load in the web worker that first answers an API request, not in every worker at
    start-up (make bench counts their memory). The endpoints name their models as strings."""

    def __getattr__(self, name: str):
        from tracker.api import schemas as module

        return getattr(module, name)


schemas = _Schemas()


class ApiProblem(HTTPException):
    """Raise to answer with a problem+json document."""

    def __init__(self, status: int, detail: str | None = None, *, headers=None, **extra):
        super().__init__(detail)
        self.code = status
        self.detail = detail
        self.extra_headers = headers or {}
        self.extra = extra

    def get_response(self, environ=None, scope=None):
        return problem(self.code, self.detail, headers=self.extra_headers, **self.extra)


@dataclass
class Endpoint:
    """What OpenAPI says of one operation."""

    rule: str
    method: str
    view: Callable
    summary: str
    tag: str
    #: the names of its models in tracker.api.schemas (imported when the document is built)
    query: str | None = None
    body: str | None = None
    response: str | None = None
    many: bool = False
    status: int = 200
    etag: bool = False
    if_match: bool = False
    upload: bool = False
    binary: bool = False
    errors: tuple[int, ...] = ()
    operation_id: str = ""
    links: dict = field(default_factory=dict)


ENDPOINTS: list[Endpoint] = []


def endpoint(rule: str, method: str = "GET", **spec):
    """Register a view on the blueprint and describe it for the OpenAPI document."""

    def decorate(view):
        name = spec.pop("operation_id", None) or view.__name__
        bp.add_url_rule(rule, endpoint=name, view_func=view, methods=[method])
        ENDPOINTS.append(Endpoint(rule=rule, method=method, view=view, operation_id=name, **spec))
        return view

    return decorate


# -- input ------------------------------------------------------------------------------------


def _validation_problem(error: ValidationError) -> ApiProblem:
    errors = [
        {"field": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
        for e in error.errors(include_url=False, include_context=False, include_input=False)
    ]
    return ApiProblem(422, _("The request has invalid fields."), errors=errors)


def query_args(model: type[BaseModel]):
    from pydantic import ValidationError

    data = {}
    for key in request.args:
        values = request.args.getlist(key)
        data[key] = values[0] if len(values) == 1 else values
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _validation_problem(error) from None


def json_body(model: type[BaseModel]):
    from pydantic import ValidationError

    if not request.is_json:
        raise ApiProblem(415, _("Send the body as application/json."))
    data = request.get_json(silent=True)
    if data is None:
        raise ApiProblem(400, _("The body is not valid JSON."))
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _validation_problem(error) from None


# -- optimistic locking -------------------------------------------------------------------------


def etag_of(version: int) -> str:
    return f'"{version}"'


def expected_version() -> int:
    """The version the client last read, from If-Match: 428 when missing, 412 when malformed."""
    header = request.headers.get("If-Match")
    if not header:
        raise ApiProblem(
            428, _("Send the task's ETag in If-Match, so a change made meanwhile is not lost.")
        )
    tags = request.if_match
    values = [tag for tag in tags.as_set()] if not tags.star_tag else []
    if len(values) != 1 or not values[0].isdigit() or len(values[0]) > 9:
        raise ApiProblem(412, _("If-Match does not name a version of this task."))
    return int(values[0])


def stale(current_version: int, message: str | None = None) -> ApiProblem:
    return ApiProblem(
        412,
        message or _("The task changed since you read it: read it again, then retry."),
        headers={"ETag": etag_of(current_version)},
    )


# -- pages --------------------------------------------------------------------------------------


def paged(items: list, total: int, page: int, per_page: int):
    """A list response with Link (first, prev, next, last) and X-Total-Count headers."""
    last = max(1, -(-total // per_page))
    args = {k: v for k, v in request.args.items() if k not in ("page", "per_page")}

    def link(number: int, rel: str) -> str:
        query = urlencode({**args, "page": number, "per_page": per_page})
        return f'<{request.base_url}?{query}>; rel="{rel}"'

    links = [link(1, "first")]
    if page > 1:
        links.append(link(min(page - 1, last), "prev"))
    if page < last:
        links.append(link(page + 1, "next"))
    links.append(link(last, "last"))
    headers = {"Link": ", ".join(links), "X-Total-Count": str(total)}
    return items, 200, headers


def api_token():
    """The token the request authenticated with (None for a cookie session)."""
    return g.get("api_token")


@bp.errorhandler(ApiProblem)
def _api_problem(error: ApiProblem):
    db.session.rollback()
    return error.get_response()


# -- shared by the endpoints ------------------------------------------------------------------

PROBLEMS = (401, 403, 404, 429)
WRITE_PROBLEMS = (*PROBLEMS, 400, 409, 412, 415, 422, 428)


def get_or_404(model, ident: int):
    obj = db.session.get(model, ident)
    if obj is None:
        raise ApiProblem(404)
    return obj


def unit_ref(unit: Unit | None):
    return schemas.UnitRef(id=unit.id, name=unit.name) if unit is not None else None


def person_ref(user: User | None):
    return schemas.PersonRef(id=user.id, name=user.display_name) if user is not None else None


def domain_problem(error: DomainError) -> ApiProblem:
    if isinstance(error, ConflictError):
        return ApiProblem(412, error.message)
    if isinstance(error, workflow.TransitionDenied):
        return ApiProblem(403, error.message)
    if isinstance(error, workflow.TransitionError):
        return ApiProblem(409, error.message)
    return ApiProblem(422, error.message, field=error.field)

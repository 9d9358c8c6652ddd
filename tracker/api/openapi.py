"""The OpenAPI 3.1 document, generated from the registered endpoints (tracker/api/http.py) and
their pydantic models; and the browsable page (Swagger UI, vendored under static/vendor)."""

from __future__ import annotations

import re

from flask import current_app, render_template

from tracker.api.http import ENDPOINTS, Endpoint, bp, schemas

REF = "#/components/schemas/{model}"
PROBLEM = {"application/problem+json": {"schema": {"$ref": REF.format(model="Problem")}}}
DESCRIPTIONS = {
    400: "Bad request",
    401: "No valid token or session",
    403: "Not allowed (the same rules as the pages; a read token cannot write)",
    404: "Not found",
    409: "The task's state does not allow this",
    412: "If-Match names an older version (the ETag)",
    413: "File too large",
    415: "The body must be JSON",
    422: "Invalid fields, or a rule of the domain refused the change",
    428: "If-Match is missing",
    429: "Too many requests with this token (see Retry-After)",
}


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", "/api/v1" + rule)


def _path_parameters(rule: str) -> list[dict]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "schema": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        }
        for name in re.findall(r"<int:([a-z_]+)>", rule)
    ]


def _query_parameters(model) -> list[dict]:
    schema = model.model_json_schema(ref_template=REF)
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        prop.pop("title", None)
        description = prop.pop("description", None)
        parameter = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if description:
            parameter["description"] = description
        parameters.append(parameter)
    return parameters


def _operation(spec: Endpoint) -> dict:
    parameters = _path_parameters(spec.rule)
    if spec.query is not None:
        parameters += _query_parameters(getattr(schemas, spec.query))
    if spec.if_match:
        parameters.append(
            {
                "name": "If-Match",
                "in": "header",
                "required": True,
                "description": "The ETag of the task as last read",
                "schema": {"type": "string", "pattern": '^"[0-9]{1,9}"$'},
            }
        )
    operation: dict = {
        "operationId": spec.operation_id,
        "summary": spec.summary,
        "tags": [spec.tag],
        "parameters": parameters,
    }
    if spec.body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": REF.format(model=spec.body)}}},
        }
    if spec.upload:
        operation["requestBody"] = {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {
                        "type": "object",
                        "required": ["file"],
                        "additionalProperties": False,
                        "properties": {
                            "file": {"type": "string", "format": "binary"},
                            "title": {
                                "type": "string",
                                "maxLength": 300,
                                "pattern": r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$",
                            },
                        },
                    }
                }
            },
        }
    success: dict = {"description": "OK"}
    if spec.binary:
        success["content"] = {"application/octet-stream": {"schema": {"type": "string"}}}
    elif spec.response is not None:
        schema = {"$ref": REF.format(model=spec.response)}
        if spec.many:
            schema = {"type": "array", "items": schema}
            success["headers"] = {
                "Link": {"schema": {"type": "string"}, "description": "first, prev, next, last"},
                "X-Total-Count": {"schema": {"type": "string"}},
            }
        success["content"] = {"application/json": {"schema": schema}}
    if spec.etag:
        success.setdefault("headers", {})["ETag"] = {
            "schema": {"type": "string"},
            "description": "The task's version; send it back in If-Match to change the task",
        }
    if spec.links:
        success["links"] = {
            name: {"operationId": target, "parameters": parameters_}
            for name, (target, parameters_) in spec.links.items()
        }
    responses = {str(spec.status): success}
    if spec.status == 201 and spec.upload:
        responses["200"] = {
            "description": "The same file was already attached: the existing evidence",
            "content": success["content"],
        }
    for code in sorted({401, 403, 404, 429, *spec.errors}):
        responses[str(code)] = {"description": DESCRIPTIONS.get(code, "Error"), "content": PROBLEM}
    operation["responses"] = responses
    if spec.method != "GET":
        operation["description"] = (
            "Every write is audited as from the page; a token needs the write scope."
        )
    return operation


def document() -> dict:
    """The whole OpenAPI 3.1 document."""
    from pydantic.json_schema import models_json_schema

    models = {schemas.Problem}
    for spec in ENDPOINTS:
        models.update(getattr(schemas, m) for m in (spec.body, spec.response) if m is not None)
    _refs, components = models_json_schema(
        [
            (m, "validation" if m in _bodies() else "serialization")
            for m in sorted(models, key=lambda m: m.__name__)
        ],
        ref_template=REF,
    )
    paths: dict = {}
    for spec in ENDPOINTS:
        paths.setdefault(_path(spec.rule), {})[spec.method.lower()] = _operation(spec)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Duban API",
            "version": "1",
            "description": (
                "督办 — the bureau's rule-of-law work plan: plans, tasks, workflow, ledger, "
                "evidence, notifications. Authenticate with a personal access token "
                "(Authorization: Bearer dbn_…). Errors are application/problem+json in the "
                "language of Accept-Language (zh-CN or en)."
            ),
        },
        "servers": [{"url": "/"}],
        "security": [{"token": []}],
        "paths": paths,
        "components": {
            "schemas": components.get("$defs", {}),
            "securitySchemes": {"token": {"type": "http", "scheme": "bearer"}},
        },
    }


def _bodies() -> set:
    return {getattr(schemas, spec.body) for spec in ENDPOINTS if spec.body is not None}


@bp.route("/openapi.json")
def openapi_json():
    return document()


@bp.route("/docs")
def docs():
    return render_template("api/docs.html", version=current_app.config.get("API_UI_VERSION"))

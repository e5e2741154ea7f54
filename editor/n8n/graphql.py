"""n8n's GraphQL node as a WorkFuse HTTP action.

As n8n's node source does (GraphQL.node.ts `execute`): GET sends the query as the `query`
parameter; POST sends `{query, variables, operationName}` as JSON (Request Format "JSON", the
default from version 1.1) or the query itself as `application/graphql` ("GraphQL (raw)", version
1's default). The headers listed are sent after `content-type: application/<format>`, so they
may replace it. n8n does not fail on an error status (`simple: false`) and gives the parsed answer
as the item (`$json.data...`), or the text in `dataPropertyName` with Response Format "String".
"""

from __future__ import annotations

from typing import Any

from editor.n8n.converter import BASE, Converted, Converter, N8nNode, Refusal, Spec, json_text
from editor.n8n.expressions import literal
from editor.n8n.http_request_legacy import constant_method

ERRORS_NOTE = (
    "n8n failed this node when the answer listed GraphQL errors (`errors`); WorkFuse passes the "
    "answer on, so check `errors` with an If node after it."
)
AUTH_KINDS = {
    "basicAuth": "basic",
    "headerAuth": "header",
    "queryAuth": "query",
    "customAuth": "header",
}


def _graphql(node: N8nNode, cx: Converter) -> Converted:
    p = node.params
    method = constant_method(node, p.get("requestMethod") or "POST")
    if method not in ("GET", "POST"):
        raise Refusal(f"uses the method {method}; n8n's GraphQL node sends GET or POST.")
    default_format = "graphql" if node.version < 1.1 else "json"
    request_format = str(p.get("requestFormat") or default_format)
    if request_format not in ("graphql", "json"):
        raise Refusal(f"uses the request format '{request_format}'; n8n sends json or graphql.")
    query = cx.value(p.get("query") or "", node)
    listed = {
        str(row["name"]): cx.value(row.get("value", ""), node)
        for row in (p.get("headerParametersUi") or {}).get("parameter") or []
        if row.get("name")
    }
    headers: dict[str, Any] = {}
    if not any(name.lower() == "content-type" for name in listed):
        headers["content-type"] = f"application/{request_format}"
    headers.update(listed)
    config: dict[str, Any] = {
        "method": method,
        "url": cx.value(p.get("endpoint") or "", node),
        "fail_on_status": False,
    }
    if method == "GET":
        config["query"] = {"query": query}
    elif request_format == "json":
        config.update(body_type="json", body=_json_body(node, cx, query))
    else:
        config.update(body_type="raw", body=query)
    config["headers"] = headers
    notes = [ERRORS_NOTE, *_auth_notes(p)]
    if p.get("allowUnauthorizedCerts"):
        notes.append(
            "n8n accepted invalid TLS certificates for this request (Ignore SSL Issues); "
            "WorkFuse checks them."
        )
    return Converted("action.http", config, notes=notes, spec=_output(p, notes))


def _json_body(node: N8nNode, cx: Converter, query: Any) -> dict[str, Any]:
    """`{query, variables, operationName}`: variables written as JSON text are parsed (n8n
    refuses text that is not JSON), an expression is kept as the value it gives; an empty
    operation name is null."""
    variables: Any = node.params.get("variables")
    if variables in (None, ""):
        variables = {}
    elif isinstance(variables, str) and variables.startswith("="):
        variables = cx.value(variables, node)
    elif isinstance(variables, str):
        parsed = json_text(variables)
        if parsed is None and variables.strip() != "null":
            raise Refusal(
                "has variables that are not valid JSON, which n8n refuses to send ('Using "
                "variables failed'); fix them in n8n and export again."
            )
        variables = _literal_json(parsed)
    name = node.params.get("operationName")
    operation = cx.value(name, node) if name not in (None, "") else None
    return {"query": query, "variables": variables, "operationName": operation}


def _literal_json(value: Any) -> Any:
    if isinstance(value, str):
        return literal(value)
    if isinstance(value, list):
        return [_literal_json(v) for v in value]
    if isinstance(value, dict):
        return {k: _literal_json(v) for k, v in value.items()}
    return value


def _auth_notes(p: dict[str, Any]) -> list[str]:
    auth = str(p.get("authentication") or "none")
    if auth == "none":
        return []
    kind = AUTH_KINDS.get(auth)
    if kind is None:
        return [
            f"n8n signed this request with {auth}, which WorkFuse's HTTP node does not send; "
            "use a header or bearer credential if the API takes one."
        ]
    return [
        f"n8n signed this request with its {auth} credential, which is not imported; choose a "
        f"credential and set auth to {kind}"
        + (" with auth_header_name (the credential's header name)." if kind == "header" else ".")
    ]


def _output(p: dict[str, Any], notes: list[str]) -> dict[str, Any]:
    if (p.get("responseFormat") or "json") != "string":
        return {}
    name = str(p.get("dataPropertyName") or "data")
    notes.append(
        f"n8n kept the answer as text in '{name}'; WorkFuse puts it in the output's body, "
        "parsed when the server says it is JSON."
    )
    return {"data": "", "aliases": ((name, "body"),)}


SPECS: dict[str, Spec] = {f"{BASE}graphql": Spec(_graphql, "body")}

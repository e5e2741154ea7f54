"""app.venafi_cloud: certificate requests made (from a CSR Venafi generates or one given),
read and listed, and certificates read, listed, renewed and retired, as n8n's Venafi TLS
Protect Cloud node does (its certificateRequest resource; its certificate resource but for
downloads)."""

from __future__ import annotations

from typing import Any, Literal, Self

from pydantic import ConfigDict, Field, model_validator

from integrations.operations import OperationConfig, field_errors, used_by
from integrations.service import credential_for
from integrations.venafi_cloud import rest_api
from integrations.venafi_cloud.credentials import ApiKey
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

MAX_RESULTS = 5000
REQUESTS = "/outagedetection/v1/certificaterequests"
CERTIFICATES = "/outagedetection/v1/certificates"
Operation = Literal[
    "create_request",
    "get_request",
    "list_requests",
    "get_certificate",
    "list_certificates",
    "renew_certificate",
    "delete_certificate",
]
CSR_BUILT = ("create_request",)


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your Venafi TLS Protect Cloud API key credential. Needed to run."
    )
    operation: Operation = Field(
        "create_request",
        description="create_request: ask for a certificate. get_request / list_requests: "
        "certificate requests. get_certificate / list_certificates: issued certificates. "
        "renew_certificate: a new request for an existing certificate. delete_certificate: "
        "retire and delete one.",
    )
    application_id: str = Field(
        "",
        description="The application's id.",
        json_schema_extra=used_by("create_request", "renew_certificate", required=True),
    )
    issuing_template_id: str = Field(
        "",
        description="The certificate issuing template's id.",
        json_schema_extra=used_by("create_request", "renew_certificate", required=True),
    )
    generate_csr: bool = Field(
        False,
        description="create_request: Venafi generates the key and CSR from the fields below "
        "(common_name, …); otherwise send your own csr.",
        json_schema_extra=used_by("create_request"),
    )
    common_name: str = Field(
        "",
        description="create_request with generate_csr: the subject's Common Name (CN).",
        json_schema_extra=used_by("create_request"),
    )
    organization: str = Field(
        "", description="(O), with generate_csr.", json_schema_extra=used_by(*CSR_BUILT)
    )
    organizational_units: list[str] = Field(
        default_factory=list,
        description="(OU) department(s), with generate_csr.",
        json_schema_extra=used_by(*CSR_BUILT),
    )
    locality: str = Field(
        "", description="(L) city, with generate_csr.", json_schema_extra=used_by(*CSR_BUILT)
    )
    state: str = Field(
        "", description="(ST) state, with generate_csr.", json_schema_extra=used_by(*CSR_BUILT)
    )
    country: str = Field(
        "",
        description="(C) two-letter country code, with generate_csr.",
        json_schema_extra=used_by(*CSR_BUILT),
    )
    key_type: Literal["", "RSA", "EC"] = Field(
        "", description="RSA or EC, with generate_csr.", json_schema_extra=used_by(*CSR_BUILT)
    )
    key_curve: Literal["", "ED25519", "P256", "P384", "P521", "UNKNOWN"] = Field(
        "",
        description="An EC key's curve, with generate_csr.",
        json_schema_extra=used_by(*CSR_BUILT),
    )
    key_length: int | None = Field(
        None,
        ge=1,
        description="An RSA key's bits (2048, …), with generate_csr.",
        json_schema_extra=used_by(*CSR_BUILT),
    )
    dns_names: list[str] = Field(
        default_factory=list,
        description="Subject alternative DNS names, with generate_csr.",
        json_schema_extra=used_by(*CSR_BUILT),
    )
    csr: str = Field(
        "",
        description="A PEM certificate signing request: create_request without generate_csr, "
        "renew_certificate.",
        json_schema_extra=used_by("create_request", "renew_certificate"),
    )
    validity_period: str = Field(
        "",
        description="How long the certificate is valid, ISO 8601 (P1Y, P10D, PT12H); empty: "
        "the template's.",
        json_schema_extra=used_by("create_request", "renew_certificate"),
    )
    request_id: str = Field(
        "",
        description="The certificate request's id.",
        json_schema_extra=used_by("get_request", required=True),
    )
    certificate_id: str = Field(
        "",
        description="The certificate's id (renew_certificate: the one to renew).",
        json_schema_extra=used_by(
            "get_certificate", "renew_certificate", "delete_certificate", required=True
        ),
    )
    subject: str = Field(
        "",
        description="list_certificates: only certificates with this subject.",
        json_schema_extra=used_by("list_certificates"),
    )
    max_results: int = Field(
        50,
        ge=1,
        le=MAX_RESULTS,
        description=f"Lists: keep at most this many (1 to {MAX_RESULTS}).",
        json_schema_extra=used_by("list_requests", "list_certificates"),
    )

    @model_validator(mode="after")
    def _csr_source(self) -> Self:
        if self.operation != "create_request":
            return self
        if self.generate_csr and not self.common_name:
            raise field_errors(self, {"common_name": "Needed when Venafi generates the CSR."})
        if not self.generate_csr and not self.csr:
            raise field_errors(self, {"csr": "Needed unless generate_csr is on."})
        return self


def _csr_attributes(config: Config) -> dict[str, Any]:
    """The `csrAttributes` Venafi builds the CSR from, with only the fields set (as n8n)."""
    attributes: dict[str, Any] = {"commonName": config.common_name}
    for name, value in (
        ("organization", config.organization),
        ("organizationalUnits", config.organizational_units),
        ("locality", config.locality),
        ("state", config.state),
        ("country", config.country),
    ):
        if value:
            attributes[name] = value
    key = {
        name: value
        for name, value in (
            ("keyType", config.key_type),
            ("keyCurve", config.key_curve),
            ("keyLength", config.key_length),
        )
        if value
    }
    if key:
        attributes["keyTypeParameters"] = key
    if config.dns_names:
        attributes["subjectAlternativeNamesByType"] = {"dnsNames": config.dns_names}
    return attributes


def _request_body(config: Config) -> dict[str, Any]:
    body: dict[str, Any] = {
        "applicationId": config.application_id,
        "certificateIssuingTemplateId": config.issuing_template_id,
    }
    if config.operation == "renew_certificate":
        body |= {
            "certificateSigningRequest": config.csr,
            "existingCertificateId": config.certificate_id,
        }
    elif config.generate_csr:
        body |= {"isVaaSGenerated": True, "csrAttributes": _csr_attributes(config)}
    else:
        body |= {"isVaaSGenerated": False, "certificateSigningRequest": config.csr}
    if config.validity_period:
        body["validityPeriod"] = config.validity_period
    return body


def _created(secret: Secret, config: Config) -> Any:
    """The request Venafi made: it answers `{certificateRequests: [one]}` for one CSR."""
    answer = rest_api.call(
        secret, "POST", REQUESTS, what=config.operation, json=_request_body(config)
    )
    made = answer.get("certificateRequests") if isinstance(answer, dict) else None
    if not isinstance(made, list) or len(made) != 1:
        count = len(made) if isinstance(made, list) else 0
        raise NodeError(
            f"Venafi TLS Protect Cloud answered {config.operation} with {count} certificate "
            "requests where one was expected."
        )
    return made[0]


def run(config: Config, ctx: RunContext) -> Any:
    """create_request / renew_certificate: the request made (id, status, creationDate, …);
    get_*: the request or certificate; list_requests: {certificate_requests, count};
    list_certificates and delete_certificate: {certificates, count}."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    certificate = config.certificate_id.strip()
    if op in ("create_request", "renew_certificate"):
        return _created(secret, config)
    if op == "get_request":
        return rest_api.call(secret, "GET", f"{REQUESTS}/{config.request_id.strip()}", what=op)
    if op == "get_certificate":
        return rest_api.call(secret, "GET", f"{CERTIFICATES}/{certificate}", what=op)
    if op == "list_requests":
        found = rest_api.every(
            secret, REQUESTS, "certificateRequests", config.max_results, what=op, params={}
        )
        return {"certificate_requests": found, "count": len(found)}
    if op == "list_certificates":
        params = {"subject": config.subject} if config.subject else {}
        found = rest_api.every(
            secret, CERTIFICATES, "certificates", config.max_results, what=op, params=params
        )
        return {"certificates": found, "count": len(found)}
    answer = rest_api.call(
        secret, "POST", f"{CERTIFICATES}/deletion", what=op, json={"certificateIds": [certificate]}
    )
    deleted = answer.get("certificates") if isinstance(answer, dict) else None
    deleted = deleted if isinstance(deleted, list) else []
    return {"certificates": deleted, "count": len(deleted)}


NODE = NodeType(
    type="app.venafi_cloud",
    label="Venafi TLS Protect Cloud",
    category="app",
    description="Requests TLS certificates from Venafi TLS Protect Cloud, and reads, lists, "
    "renews or retires them.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="🔐",
    examples=(
        (
            "Request a certificate for shop.example.com from Venafi application app-1 with "
            "template tpl-1, Venafi generating the CSR, with credential 4",
            {
                "credential": 4,
                "operation": "create_request",
                "application_id": "app-1",
                "issuing_template_id": "tpl-1",
                "generate_csr": True,
                "common_name": "shop.example.com",
            },
        ),
        (
            "Read Venafi certificate request req-9",
            {"operation": "get_request", "request_id": "req-9"},
        ),
        (
            "List the Venafi certificates whose subject is shop.example.com",
            {"operation": "list_certificates", "subject": "shop.example.com"},
        ),
        (
            "List up to 20 Venafi certificate requests",
            {"operation": "list_requests", "max_results": 20},
        ),
        (
            "Read Venafi certificate cert-3",
            {"operation": "get_certificate", "certificate_id": "cert-3"},
        ),
        (
            "Renew Venafi certificate cert-3 in application app-1 with template tpl-1 using the "
            "CSR from the webhook body",
            {
                "operation": "renew_certificate",
                "certificate_id": "cert-3",
                "application_id": "app-1",
                "issuing_template_id": "tpl-1",
                "csr": "{{ trigger.body.csr }}",
            },
        ),
        (
            "Retire and delete Venafi certificate cert-3",
            {"operation": "delete_certificate", "certificate_id": "cert-3"},
        ),
    ),
)

"""app.bamboohr: the employee directory, one employee's fields, the company files (by category
or flat) and a company file downloaded."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import ConfigDict, Field

from integrations.bamboohr import rest_api
from integrations.bamboohr.credentials import ApiKey
from integrations.operations import OperationConfig, used_by
from integrations.service import credential_for
from workfuse.lib import files
from workfuse.lib.node_run import NodeError, RunContext, Secret
from workfuse.lib.node_types import NodeType

Operation = Literal["list_employees", "get_employee", "list_files", "download_file"]
LISTS = ("list_employees", "list_files")
MAX_RESULTS = 5000
DEFAULT_FIELDS = ["firstName", "lastName", "displayName", "jobTitle", "workEmail", "department"]


class Config(OperationConfig):
    model_config = ConfigDict(coerce_numbers_to_str=True)

    credential: int | None = Field(
        None, ge=1, description="Your BambooHR API key credential. Needed to run."
    )
    operation: Operation = Field(
        "list_employees",
        description="list_employees: the company directory. get_employee: one employee's "
        "fields. list_files: the company files. download_file: one company file's content.",
    )
    employee_id: str = Field(
        "",
        description="The employee's id (0: the API key's own user).",
        json_schema_extra=used_by("get_employee", required=True),
    )
    fields: list[str] = Field(
        default_factory=lambda: list(DEFAULT_FIELDS),
        description="get_employee: the BambooHR field names to read (firstName, hireDate, "
        "customField4001, ...).",
        json_schema_extra=used_by("get_employee"),
    )
    file_id: str = Field(
        "",
        description="The company file's id (list_files gives them).",
        json_schema_extra=used_by("download_file", required=True),
    )
    by_category: bool = Field(
        False,
        description="list_files: list the categories, each with its files, rather than the "
        "files alone.",
        json_schema_extra=used_by("list_files"),
    )
    max_results: int = Field(
        MAX_RESULTS,
        ge=1,
        le=MAX_RESULTS,
        description="list_employees / list_files: keep at most this many.",
        json_schema_extra=used_by(*LISTS),
    )


def _list_files(secret: Secret, config: Config) -> dict[str, Any]:
    answer = rest_api.get(secret, "/files/view", what="files/view")
    categories = [c for c in answer.get("categories") or [] if isinstance(c, dict)]
    if config.by_category:
        kept = categories[: config.max_results]
        return {"categories": kept, "count": len(kept)}
    flat = [f for c in categories for f in c.get("files") or [] if isinstance(f, dict)]
    kept = flat[: config.max_results]
    return {"files": kept, "count": len(kept)}


def _download(secret: Secret, config: Config) -> dict[str, Any]:
    file_id = config.file_id.strip()
    data, name, media = rest_api.download(secret, f"/files/{file_id}", what="download_file")
    try:
        made = files.make(data, name or f"bamboohr-file-{file_id}", media, "The BambooHR file")
    except files.FileError as error:
        raise NodeError(str(error)) from None
    return {"file": made.value(), "file_id": file_id}


def run(config: Config, ctx: RunContext) -> Any:
    """list_employees: {employees, count} (the directory's entries); get_employee: the employee
    as BambooHR answers it; list_files: {files, count} (each file of every category), or
    {categories, count} with by_category; download_file: {file, file_id}."""
    secret, _ = credential_for(ctx, config.operation, ApiKey)
    op = config.operation
    if op == "list_employees":
        answer = rest_api.get(secret, "/employees/directory", what=op)
        people = [e for e in answer.get("employees") or [] if isinstance(e, dict)]
        kept = people[: config.max_results]
        return {"employees": kept, "count": len(kept)}
    if op == "get_employee":
        wanted = ",".join(f.strip() for f in config.fields if f.strip()) or "firstName,lastName"
        path = f"/employees/{config.employee_id.strip()}"
        return rest_api.get(secret, path, what=op, params={"fields": wanted})
    if op == "list_files":
        return _list_files(secret, config)
    return _download(secret, config)


NODE = NodeType(
    type="app.bamboohr",
    label="BambooHR",
    category="app",
    description="Reads BambooHR's employee directory and an employee's fields, lists the "
    "company files and downloads one as a file for the next steps.",
    Config=Config,
    run=run,
    credential_kinds=(ApiKey.kind,),
    icon="☺",
    examples=(
        (
            "List every employee in the BambooHR directory, with credential 4",
            {"credential": 4, "operation": "list_employees"},
        ),
        (
            "Read employee 123's hire date and job title",
            {"operation": "get_employee", "employee_id": "123", "fields": ["hireDate", "jobTitle"]},
        ),
        ("List the company files in BambooHR", {"operation": "list_files"}),
        ("Download BambooHR company file 42", {"operation": "download_file", "file_id": "42"}),
    ),
)

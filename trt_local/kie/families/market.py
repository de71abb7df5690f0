"""The Market API (``/api/v1/jobs``): most models, one create and one status endpoint (§3)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trt_local.kie.envelope import require_mapping
from trt_local.kie.errors import KieProtocolError
from trt_local.kie.families.base import HttpCall
from trt_local.kie.records import TaskRecord

CREATE_PATH = "/api/v1/jobs/createTask"
RECORD_PATH = "/api/v1/jobs/recordInfo"


def task_id_from(data: object, what: str) -> str:
    """``data.taskId`` of a create answer, the same in every family (§5)."""
    task_id = require_mapping(data, what).get("taskId")
    if isinstance(task_id, int) and not isinstance(task_id, bool):
        task_id = str(task_id)
    if not isinstance(task_id, str) or not task_id:
        raise KieProtocolError(f"{what} answered without a taskId")
    return task_id


class Market:
    name = "jobs"
    routine_paths = frozenset({RECORD_PATH})

    def create_call(
        self, model: str, input: Mapping[str, Any], callback_url: str | None
    ) -> HttpCall:
        body: dict[str, Any] = {"model": model, "input": dict(input)}
        if callback_url:
            body["callBackUrl"] = callback_url
        return HttpCall("POST", CREATE_PATH, json=body)

    def task_id(self, data: object) -> str:
        return task_id_from(data, "createTask")

    def status_call(self, task_id: str) -> HttpCall:
        return HttpCall("GET", RECORD_PATH, params={"taskId": task_id})

    def record(self, data: object, *, task_id: str) -> TaskRecord:
        return TaskRecord.from_json(require_mapping(data, "recordInfo"), task_id=task_id)


MARKET = Market()

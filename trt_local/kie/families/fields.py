"""Reading the dedicated families' status answers (API.md §5, §12), which differ from Market's.

Flux Kontext, 4o Image (and Veo) report ``successFlag`` 0 running / 1 success / 2 create failed /
3 generate failed; 4o Image's older page spells the same as ``status`` GENERATING / SUCCESS /
CREATE_TASK_FAILED / GENERATE_FAILED. Their errors are ``errorCode``/``errorMessage``, Runway's
newer pages say ``failCode``/``failMsg``. Numbers may come as strings, strings as null; these
helpers read every spelling into the states and fields :class:`TaskRecord` uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from trt_local.kie.readers import integer, json_object, strings, text
from trt_local.kie.records import TaskRecord

_FLAG_STATES = {0: "generating", 1: "success", 2: "fail", 3: "fail"}
_STATUS_STATES = {
    "GENERATING": "generating",
    "SUCCESS": "success",
    "CREATE_TASK_FAILED": "fail",
    "GENERATE_FAILED": "fail",
}


def flag_state(data: Mapping[str, Any]) -> str:
    """The record state from ``successFlag`` (§12, preferred) or else the ``status`` name (§5).

    Neither readable: "generating" — a record Kie is still filling in is a running task, and the
    job's deadline bounds the wait.
    """
    flag = integer(data.get("successFlag"))
    if flag in _FLAG_STATES:
        return _FLAG_STATES[flag]
    status = text(data.get("status")).strip().upper()
    return _STATUS_STATES.get(status, "generating")


def flag_record(
    info: Mapping[str, Any],
    *,
    task_id: str,
    model: str,
    url_keys: tuple[str, ...],
    progress: int | None = None,
) -> TaskRecord:
    """The record of a ``successFlag`` answer (Flux Kontext, 4o Image): the state, the URLs under
    the first of ``response``'s ``url_keys`` that has any, the error when failed, the create body
    (``paramJson``) as the record's input."""
    state = flag_state(info)
    response = info.get("response")
    response = response if isinstance(response, Mapping) else {}
    urls = next((found for key in url_keys if (found := strings(response.get(key)))), ())
    code, message = error_fields(info) if state == "fail" else ("", "")
    params = json_object(info.get("paramJson"))
    return TaskRecord(
        task_id=text(info.get("taskId")) or task_id,
        model=model,
        state=state,
        result_urls=urls if state == "success" else (),
        fail_code=code,
        fail_msg=message,
        progress=progress,
        create_time=integer(info.get("createTime")),
        complete_time=integer(info.get("completeTime")),
        param={"input": params} if params else {},
    )


def error_fields(data: Mapping[str, Any]) -> tuple[str, str]:
    """(code, message) from ``errorCode``/``errorMessage`` or ``failCode``/``failMsg``."""
    code = text(data.get("errorCode")) or text(data.get("failCode"))
    message = text(data.get("errorMessage")) or text(data.get("failMsg"))
    return code.strip(), message.strip()


def progress_percent(raw: object) -> int | None:
    """4o Image's ``progress`` is a fraction as a string ("0.45", "1.00"); others send 0-100."""
    if isinstance(raw, bool) or raw is None:
        return None
    try:
        value = float(raw) if isinstance(raw, int | float | str) else None
    except ValueError:
        return None
    if value is None:
        return None
    fraction = isinstance(raw, float) or (isinstance(raw, str) and "." in raw)
    percent = value * 100 if fraction and value <= 1.0 else value
    return max(0, min(100, round(percent)))

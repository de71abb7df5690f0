"""Job state machine, deadlines and the poll cadence."""

from __future__ import annotations

import itertools

import pytest

from trt_local.core import (
    TERMINAL,
    InvalidTransition,
    JobStatus,
    OutputKind,
    can_transition,
    next_poll_delay,
    poll_delay_for,
    timing_for,
    transition,
)

S = JobStatus

HAPPY_PATH = [S.QUEUED, S.CREATING, S.RUNNING, S.SUCCEEDED, S.DELIVERED]
ALLOWED = {
    (S.QUEUED, S.CREATING),
    (S.QUEUED, S.FAILED),
    (S.CREATING, S.RUNNING),
    (S.CREATING, S.QUEUED),
    (S.CREATING, S.FAILED),
    (S.RUNNING, S.SUCCEEDED),
    (S.RUNNING, S.FAILED),
    (S.SUCCEEDED, S.DELIVERED),
    (S.SUCCEEDED, S.FAILED),
}


def test_happy_path_is_allowed_step_by_step() -> None:
    status = HAPPY_PATH[0]
    for target in HAPPY_PATH[1:]:
        status = transition(status, target)
    assert status is S.DELIVERED and status.is_terminal


@pytest.mark.parametrize(("current", "target"), list(itertools.product(S, S)))
def test_transition_table(current: JobStatus, target: JobStatus) -> None:
    allowed = (current, target) in ALLOWED
    assert can_transition(current, target) is allowed
    if allowed:
        assert transition(current, target) is target
    else:
        with pytest.raises(InvalidTransition) as caught:
            transition(current, target)
        assert (caught.value.current, caught.value.target) == (current.value, target.value)


def test_terminal_states_have_no_way_out() -> None:
    assert frozenset({S.DELIVERED, S.FAILED}) == TERMINAL
    for status in TERMINAL:
        assert not any(can_transition(status, target) for target in S)
    # every non-terminal state can still fail (and be refunded)
    for status in set(S) - TERMINAL:
        assert can_transition(status, S.FAILED)


def test_statuses_store_as_plain_strings() -> None:
    assert S("running") is S.RUNNING and f"{S.CREATING}" == "creating"


def test_deadlines_and_typical_durations() -> None:
    assert timing_for(OutputKind.IMAGE).deadline_s == 600
    assert timing_for(OutputKind.VIDEO).deadline_s == 1800
    assert timing_for(OutputKind.AUDIO).typical_s == 40
    for kind in OutputKind:
        timing = timing_for(kind)
        assert timing.typical_s < timing.slow_after_s < timing.deadline_s


def test_poll_cadence_follows_the_documented_bands() -> None:
    assert next_poll_delay(0) == 2.5
    for elapsed in range(0, 30):
        assert 2 <= next_poll_delay(elapsed) <= 3
    for elapsed in range(30, 120):
        assert 5 <= next_poll_delay(elapsed) <= 10
    for elapsed in range(120, 3600, 7):
        assert 15 <= next_poll_delay(elapsed) <= 30


def test_jobs_are_polled_at_the_short_gap_while_their_kind_usually_finishes() -> None:
    # A video (typical 120 s) from 60 s to 240 s, an image (typical 15 s) from 7.5 s to 30 s.
    for elapsed in range(60, 240):
        assert poll_delay_for(elapsed, 120) == 2.5
    for elapsed in (0, 30, 59, 240, 600):
        assert poll_delay_for(elapsed, 120) == next_poll_delay(elapsed)
    for elapsed in (0, 10, 29, 30, 100):
        assert poll_delay_for(elapsed, 15) == next_poll_delay(elapsed)


def test_poll_delay_never_shrinks_as_a_job_ages() -> None:
    delays = [next_poll_delay(tenth / 10) for tenth in range(0, 36_000, 3)]
    assert delays == sorted(delays)
    assert next_poll_delay(10_000) == 30

"""Figures as the benchmark table shows them: median with min-max, a floor, a ratio, a target."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple


@dataclass(frozen=True)
class Sample:
    """Several measurements of one figure, in `unit`."""

    values: tuple[float, ...]
    unit: str

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def __str__(self) -> str:
        return f"{_fmt(self.median)} {self.unit}"

    @property
    def spread(self) -> str:
        return f"{_fmt(min(self.values))}-{_fmt(max(self.values))}"


@dataclass(frozen=True)
class Row:
    """One line of the result table."""

    figure: str
    value: Sample
    floor: Sample | None = None
    target: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.floor is None or self.floor.median == 0:
            return None
        return self.value.median / self.floor.median


def per_call_us(call: Callable[[], object], *, calls: int, repeats: int = 7) -> Sample:
    """Microseconds per call: `repeats` timed loops of `calls` calls each, after a warm-up."""
    for _ in range(max(50, calls // 10)):
        call()
    loops = []
    for _ in range(repeats):
        start = time.perf_counter()
        for _ in range(calls):
            call()
        loops.append((time.perf_counter() - start) / calls * 1e6)
    return Sample(tuple(loops), "us")


def interleaved(
    calls: dict[str, Callable[[], object]], *, per_loop: int, repeats: int = 7
) -> dict[str, Sample]:
    """`per_call_us` for several variants at once: each round times one loop of each in turn,
    so that load changes on a shared machine hit every variant alike."""
    return interleaved_timings(calls, per_loop=per_loop, repeats=repeats).wall


class Timings(NamedTuple):
    """Wall-clock and CPU microseconds per call of each variant, from the same loops."""

    wall: dict[str, Sample]
    cpu: dict[str, Sample]


def interleaved_timings(
    calls: dict[str, Callable[[], object]], *, per_loop: int, repeats: int = 7
) -> Timings:
    """`interleaved`, with this process's CPU time of each loop beside its wall time: what the
    caller's own code costs, without the time spent waiting for the database."""
    for call in calls.values():
        for _ in range(max(50, per_loop // 10)):
            call()
    wall: dict[str, list[float]] = {name: [] for name in calls}
    cpu: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(repeats):
        for name, call in calls.items():
            start, start_cpu = time.perf_counter(), time.process_time()
            for _ in range(per_loop):
                call()
            cpu[name].append((time.process_time() - start_cpu) / per_loop * 1e6)
            wall[name].append((time.perf_counter() - start) / per_loop * 1e6)
    return Timings(
        {name: Sample(tuple(values), "us") for name, values in wall.items()},
        {name: Sample(tuple(values), "us") for name, values in cpu.items()},
    )


def ratio_row(figure: str, value: Sample, floor: Sample, *, at_most: float, note: str = "") -> Row:
    """A row whose target is `value <= at_most x floor`."""
    ratio = value.median / floor.median
    return Row(figure, value, floor, f"<= {at_most}x floor", ratio <= at_most, note)


def render(rows: list[Row]) -> str:
    """The table as Markdown."""
    lines = [
        "| figure | median | min-max | floor | ratio | target | pass |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        ratio = f"{row.ratio:.2f}x" if row.ratio is not None else ""
        floor = str(row.floor) if row.floor else ""
        verdict = {True: "PASS", False: "FAIL", None: ""}[row.passed]
        note = f" ({row.note})" if row.note else ""
        lines.append(
            f"| {row.figure}{note} | {row.value} | {row.value.spread} | {floor} | {ratio} "
            f"| {row.target} | {verdict} |"
        )
    return "\n".join(lines)


def _fmt(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"

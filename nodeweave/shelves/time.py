"""Time: delaying a value (with progress), and converting between unix times and text."""

from __future__ import annotations

import asyncio
import datetime as dt
from typing import Annotated, Any

from nodeweave.core.context import NodeContext
from nodeweave.core.library import Shelf
from nodeweave.core.schema import Input
from nodeweave.core.spec import node

MAX_STEP_SECONDS = 0.1
"""How long ``time.sleep`` waits between progress reports at most."""

UtcOffset = Annotated[
    float, Input(min=-12, max=14, step=0.25, description="hours east of UTC (0 for UTC)")
]
NaiveOffset = Annotated[
    float,
    Input(min=-12, max=14, step=0.25, description="hours east of UTC for times without a zone"),
]


@node(id="time.sleep", name="Sleep")
async def sleep(
    ctx: NodeContext,
    seconds: Annotated[float, Input(min=0, max=60, step=0.1)] = 1.0,
    value: Any = None,
) -> Any:
    """Wait for some seconds, reporting progress, then pass the value on."""
    if seconds < 0:
        raise ValueError(f"cannot sleep for a negative time ({seconds!r} s)")
    if seconds == 0:
        ctx.progress(1.0, "0 / 0 s")
        return value
    loop = asyncio.get_running_loop()
    start = loop.time()
    end = start + seconds
    ctx.progress(0.0, f"0.0 / {seconds:g} s")
    while (remaining := end - loop.time()) > 0:
        await asyncio.sleep(min(remaining, MAX_STEP_SECONDS))
        now = loop.time()
        if now < end:
            ctx.progress((now - start) / seconds, f"{now - start:.1f} / {seconds:g} s")
    ctx.progress(1.0, f"{seconds:g} / {seconds:g} s")
    return value


def _zone(utc_offset_hours: float) -> dt.timezone:
    try:
        return dt.timezone(dt.timedelta(hours=utc_offset_hours))
    except ValueError as exc:
        raise ValueError(f"invalid UTC offset {utc_offset_hours!r} hours: {exc}") from exc


@node(id="time.format_unix", name="Format Unix Time")
def format_unix(
    timestamp: Annotated[float, Input(description="seconds since 1970-01-01 UTC")] = 0.0,
    fmt: Annotated[
        str, Input(description="strftime format, e.g. %Y-%m-%d %H:%M; empty for ISO 8601")
    ] = "",
    utc_offset_hours: UtcOffset = 0.0,
) -> str:
    """A unix time as text, in a fixed time zone given as an offset from UTC."""
    try:
        moment = dt.datetime.fromtimestamp(timestamp, tz=_zone(utc_offset_hours))
    except (OverflowError, OSError, ValueError) as exc:
        raise ValueError(f"{timestamp!r} is not a representable unix time: {exc}") from exc
    return moment.strftime(fmt) if fmt else moment.isoformat()


@node(id="time.parse_iso", name="Parse ISO Time")
def parse_iso(
    text: str = "1970-01-01T00:00:00Z",
    utc_offset_hours: NaiveOffset = 0.0,
) -> float:
    """The unix time of an ISO 8601 date/time (times without a zone use the given offset)."""
    try:
        moment = dt.datetime.fromisoformat(text.strip())
    except ValueError as exc:
        raise ValueError(
            f"{text!r} is not an ISO 8601 date/time (e.g. 2024-05-17T12:30:00Z)"
        ) from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(utc_offset_hours))
    return moment.timestamp()


@node(id="time.parse", name="Parse Time")
def parse_time(
    text: str = "1970-01-01 00:00:00",
    fmt: Annotated[
        str, Input(description="strptime format, e.g. %d.%m.%Y %H:%M")
    ] = "%Y-%m-%d %H:%M:%S",
    utc_offset_hours: NaiveOffset = 0.0,
) -> float:
    """The unix time of a date/time written in a given format."""
    try:
        moment = dt.datetime.strptime(text, fmt)
    except ValueError as exc:
        raise ValueError(f"{text!r} does not match the format {fmt!r}: {exc}") from exc
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=_zone(utc_offset_hours))
    return moment.timestamp()


NODE_SHELF = Shelf(
    name="time",
    description="Time: delay a value with progress, and convert unix times to and from text.",
    nodes=[sleep, format_unix, parse_iso, parse_time],
)

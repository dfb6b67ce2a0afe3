"""Chart geometry for the HTML report, computed in Python so charts render without JS.

Functions return plain shapes (rectangles, text labels); the template draws them as SVG
with autoescaping, so evidence strings in labels (department names, UPNs) stay text.
Coordinates are rounded to one decimal for byte-stable output.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from mailscope.report.activity import Activity, Bucket
from mailscope.scope.blind_spots import BlindSpot

LABEL_CHARS = 42


@dataclass(frozen=True, slots=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    css: str
    title: str = ""


@dataclass(frozen=True, slots=True)
class Label:
    x: float
    y: float
    text: str
    css: str = ""
    anchor: str = "start"
    title: str = ""


@dataclass(frozen=True, slots=True)
class Chart:
    """An SVG drawing: size, shapes, and a one-sentence description for screen readers."""

    name: str
    width: int
    height: int
    description: str
    rects: tuple[Rect, ...] = ()
    labels: tuple[Label, ...] = ()
    legend: tuple[tuple[str, str], ...] = field(default=())  # (css class, text)


@dataclass(frozen=True, slots=True)
class Bar:
    """One horizontal bar: a label and stacked (value, css class, name) segments."""

    label: str
    segments: tuple[tuple[float, str, str], ...]
    value_text: str


def _r(value: float) -> float:
    return round(value, 1)


def short(text: str, limit: int = LABEL_CHARS) -> str:
    """Shorten a label for a chart axis; the full text goes into a tooltip."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _tick_format(bucket_seconds: int) -> str:
    return "%b %d" if bucket_seconds >= 86400 else "%b %d %H:%M"


def _slot_title(bucket: Bucket, who: str, count: int) -> str:
    return f"{bucket.start:%Y-%m-%d %H:%M} – {bucket.end:%Y-%m-%d %H:%M} UTC: {count:,} {who}"


def timeline_chart(activity: Activity, blind_spots: Sequence[BlindSpot]) -> Chart:
    """Two lanes sharing a time axis: the actor's mail accesses over everyone else's.

    Separate y scales, because normal activity is usually orders of magnitude larger;
    throttled windows (when Exchange stops logging Bind reads) are shaded in the actor lane.
    """
    width, height, left, right = 1000, 250, 118, 40
    lanes = (("actor", "Actor", 22, 88), ("normal", "Everyone else", 136, 70))
    buckets = activity.buckets
    plot_w = width - left - right
    rects: list[Rect] = []
    labels: list[Label] = []
    if not buckets:
        return Chart(
            "timeline",
            width,
            60,
            "No mail access records in this case.",
            labels=(Label(left, 34, "No mail access records in this case.", "muted"),),
        )
    step = plot_w / len(buckets)
    origin = buckets[0].start
    span_seconds = (buckets[-1].end - origin).total_seconds()

    def x_of(moment: datetime) -> float:
        offset = (moment - origin).total_seconds() / span_seconds
        return left + max(0.0, min(1.0, offset)) * plot_w

    for spot in blind_spots:
        if spot.kind == "throttled_window" and spot.start_time and spot.end_time:
            x0, x1 = x_of(spot.start_time), x_of(spot.end_time)
            top, lane_h = lanes[0][2], lanes[0][3]
            rects.append(
                Rect(
                    _r(x0),
                    top,
                    _r(max(x1 - x0, 1.0)),
                    lane_h,
                    "blind",
                    f"Throttled, Bind reads not logged: {spot.subject}",
                )
            )
    for css, name, top, lane_h in lanes:
        counts = [b.actor if css == "actor" else b.normal for b in buckets]
        peak = max(counts) or 1
        labels.append(Label(left - 10, top + 12, name, "lane " + css, "end"))
        labels.append(Label(left - 10, top + 28, f"peak {max(counts):,}", "muted", "end"))
        rects.append(Rect(left, top + lane_h, plot_w, 1, "axis"))
        for index, (bucket, count) in enumerate(zip(buckets, counts, strict=True)):
            if count == 0:
                continue
            bar_h = max(lane_h * count / peak, 4.0)  # a lone access stays visible
            rects.append(
                Rect(
                    _r(left + index * step + step * 0.1),
                    _r(top + lane_h - bar_h),
                    _r(max(step * 0.8, 0.8)),
                    _r(bar_h),
                    css,
                    _slot_title(
                        bucket, "actor accesses" if css == "actor" else "other accesses", count
                    ),
                )
            )
    ticks = min(8, len(buckets))
    fmt = _tick_format(activity.bucket_seconds)
    for t in range(ticks):
        index = round(t * (len(buckets) - 1) / max(ticks - 1, 1))
        x = left + index * step
        rects.append(Rect(_r(x), 206, 1, 5, "axis"))
        labels.append(Label(_r(x), 226, f"{buckets[index].start:{fmt}}", "tick", "middle"))
    description = (
        f"Mail items accessed per {activity.bucket_label}: actor {activity.actor_total:,}, "
        f"everyone else {activity.normal_total:,}."
    )
    legend: tuple[tuple[str, str], ...] = (
        ("actor", "Actor (attributed accesses)"),
        ("normal", "Everyone else"),
    )
    if any(r.css == "blind" for r in rects):
        legend += (("blind", "Throttled: Bind reads not logged"),)
    return Chart("timeline", width, height, description, tuple(rects), tuple(labels), legend)


def hbar_chart(name: str, bars: Sequence[Bar], description: str, *, limit: int = 15) -> Chart:
    """Horizontal bars, one row each, largest first as given; at most ``limit`` rows."""
    width, label_w, value_w, row_h = 560, 280, 96, 26
    shown = list(bars[:limit])
    peak = max((sum(v for v, _, _ in bar.segments) for bar in shown), default=0.0) or 1.0
    plot_w = width - label_w - value_w
    rects: list[Rect] = []
    labels: list[Label] = []
    for row, bar in enumerate(shown):
        y = row * row_h + 4
        labels.append(Label(label_w - 8, y + 13, short(bar.label), "bar-label", "end", bar.label))
        x = float(label_w)
        for value, css, part in bar.segments:
            if value <= 0:
                continue
            w = plot_w * value / peak
            rects.append(Rect(_r(x), y, _r(max(w, 1.0)), 18, css, f"{bar.label}: {part}"))
            x += w
        labels.append(Label(_r(x + 6), y + 13, bar.value_text, "value"))
    if len(bars) > limit:
        y = len(shown) * row_h + 16
        labels.append(
            Label(label_w, y, f"… {len(bars) - limit:,} more in the tables below", "muted")
        )
    height = max(len(shown) * row_h + (26 if len(bars) > limit else 8), 40)
    if not shown:
        labels.append(Label(8, 24, "Nothing to show.", "muted"))
    return Chart(name, width, height, description, tuple(rects), tuple(labels))

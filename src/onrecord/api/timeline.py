"""A claim's timeline as an SVG chart: time across, speakers down, a mark
for each statement coloured by its stance and linked to the statement in
its article; each change of position drawn as an arrow from the last
statement before it to the first after it.

Drawn on the server (no chart library, no script): every label goes through
Markup.format and is escaped.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from onrecord.api.highlight import local_id
from onrecord.records import ChangeRecord, StatementRecord, TimelineRecord

WIDTH = 960
LABEL_WIDTH = 220  # room for a speaker's name on the left
UNDATED_WIDTH = 90  # a column on the right for statements without a date
ROW_HEIGHT = 44
TOP = 36
BOTTOM = 40
MARK_RADIUS = 8


def speaker_of(row: StatementRecord) -> str:
    return row.actor_name or row.speaker_name or row.speaker_text or "(unattributed)"


def layout(timeline: list[TimelineRecord]) -> dict[str, Any]:
    """Where each statement goes: rows by speaker in order of first word,
    x by date between the first and last dated statement."""
    speakers: list[str] = []
    for row in timeline:
        if speaker_of(row) not in speakers:
            speakers.append(speaker_of(row))
    days = [r.when for r in timeline if r.when is not None]
    first, last = (min(days), max(days)) if days else (None, None)
    if first is not None and first == last:
        first, last = first - dt.timedelta(days=1), last + dt.timedelta(days=1)
    plot_left, plot_right = LABEL_WIDTH, WIDTH - UNDATED_WIDTH - 20
    span = (last - first).days if first is not None and last is not None else 1

    def x_of(day: dt.date | None) -> float:
        if day is None or first is None:
            return WIDTH - UNDATED_WIDTH / 2
        return plot_left + (plot_right - plot_left) * (day - first).days / span

    points = []
    seen_at: dict[tuple[float, float], int] = {}
    for row in timeline:
        y = TOP + ROW_HEIGHT * speakers.index(speaker_of(row)) + ROW_HEIGHT / 2
        x = x_of(row.when)
        # statements on the same day by the same speaker sit side by side
        n = seen_at.get((x, y), 0)
        seen_at[(x, y)] = n + 1
        points.append({"row": row, "x": x + n * (MARK_RADIUS * 2 + 2), "y": y, "day": row.when})
    ticks = []
    if first is not None:
        for i in range(5):
            day = first + dt.timedelta(days=round(span * i / 4))
            ticks.append((x_of(day), day))
    return {
        "speakers": speakers,
        "points": points,
        "ticks": ticks,
        "undated": any(p["day"] is None for p in points),
        "height": TOP + ROW_HEIGHT * max(1, len(speakers)) + BOTTOM,
    }


def timeline_svg(timeline: list[TimelineRecord], changes: list[ChangeRecord]) -> Markup:
    plan = layout(timeline)
    height = plan["height"]
    parts: list[Markup] = [
        Markup(
            '<svg class="timeline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}" '
            'role="img" aria-label="Timeline of statements on this claim">'
        ).format(w=WIDTH, h=height)
    ]
    for i, name in enumerate(plan["speakers"]):
        y = TOP + ROW_HEIGHT * i + ROW_HEIGHT / 2
        parts.append(
            Markup('<line class="row-rule" x1="{}" y1="{}" x2="{}" y2="{}"/>').format(
                LABEL_WIDTH - 10, y, WIDTH - 10, y
            )
        )
        parts.append(
            Markup('<text class="speaker-label" x="{}" y="{}">{}</text>').format(LABEL_WIDTH - 16, y + 4, name[:32])
        )
    axis_y = height - BOTTOM + 8
    for x, day in plan["ticks"]:
        parts.append(Markup('<text class="tick" x="{:.1f}" y="{}">{}</text>').format(x, axis_y + 16, day.isoformat()))
        parts.append(
            Markup('<line class="tick-rule" x1="{:.1f}" y1="{}" x2="{:.1f}" y2="{}"/>').format(x, TOP - 6, x, axis_y)
        )
    if plan["undated"]:
        parts.append(
            Markup('<text class="tick" x="{}" y="{}">undated</text>').format(WIDTH - UNDATED_WIDTH / 2, axis_y + 16)
        )
    where = {p["row"].id: p for p in plan["points"]}
    for change in changes:
        before = [where[s.statement] for s in change.before if s.statement in where]
        after = [where[s.statement] for s in change.after if s.statement in where]
        if before and after:
            a, b = before[-1], after[0]
            parts.append(
                Markup(
                    '<path class="change change-{kind}" d="M {x1:.1f} {y1:.1f} L {x2:.1f} {y2:.1f}">'
                    "<title>{actor}: {frm} → {to}</title></path>"
                ).format(
                    kind=change.kind,
                    x1=a["x"],
                    y1=a["y"],
                    x2=b["x"],
                    y2=b["y"],
                    actor=change.actor,
                    frm=change.from_stance,
                    to=change.to_stance,
                )
            )
            for point in after:
                parts.append(
                    Markup('<circle class="change-ring change-{}" cx="{:.1f}" cy="{:.1f}" r="{}"/>').format(
                        change.kind, point["x"], point["y"], MARK_RADIUS + 5
                    )
                )
    for point in plan["points"]:
        row = point["row"]
        stance = row.stance or "unknown"
        label = f"{speaker_of(row)}, {point['day'].isoformat() if point['day'] else 'undated'}: {stance}"
        quote = row.content_text[:240]
        parts.append(
            Markup(
                '<a class="mark-link" href="/articles/{article}#st-{statement}" data-statement="{sid}">'
                '<circle class="mark stance-{stance}" cx="{x:.1f}" cy="{y:.1f}" r="{r}"/>'
                "<title>{label} — {quote}</title></a>"
            ).format(
                article=row.article_id,
                statement=local_id(row.id),
                sid=row.id,
                stance=stance,
                x=point["x"],
                y=point["y"],
                r=MARK_RADIUS,
                label=label,
                quote=quote,
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


STANCE_ORDER = ("affirm", "deny", "qualify", "question", "conditional", "neutral", None)
CHART_HEIGHT = 160  # the bars' height at the busiest period
CHART_LEFT = 40  # room for the count axis


def stance_chart_svg(said: list[StatementRecord]) -> Markup:
    """An actor's statements over time: a bar a period (a day for a span of
    up to two months, else a month), stacked by stance; undated statements
    are left out (and counted in the title)."""
    days = [(s.said_on or s.said_until or s.article_published, s.stance) for s in said]
    dated = [(day, stance) for day, stance in days if day is not None]
    if not dated:
        return Markup("")
    by_month = (max(d for d, _ in dated) - min(d for d, _ in dated)).days > 62
    counts: dict[dt.date, dict[str | None, int]] = {}
    for day, stance in dated:
        period = day.replace(day=1) if by_month else day
        bucket = counts.setdefault(period, {})
        bucket[stance] = bucket.get(stance, 0) + 1
    periods = _periods(min(counts), max(counts), by_month)
    busiest = max(sum(c.values()) for c in counts.values())
    bar = max(4.0, min(40.0, (WIDTH - CHART_LEFT - 20) / len(periods) - 2))
    parts = [
        Markup(
            '<svg class="stance-chart" viewBox="0 0 {w} {h}" role="img" aria-labelledby="stance-chart-title">'
        ).format(w=WIDTH, h=CHART_HEIGHT + 50),
        Markup('<title id="stance-chart-title">{n} dated statements by {unit}, by stance ({u} undated)</title>').format(
            n=len(dated), unit="month" if by_month else "day", u=len(days) - len(dated)
        ),
        Markup('<text class="tick" x="{x}" y="{y}">{n}</text>').format(x=CHART_LEFT - 20, y=16, n=busiest),
    ]
    for index, period in enumerate(periods):
        x = CHART_LEFT + index * (bar + 2)
        y = 10.0 + CHART_HEIGHT
        for stance in STANCE_ORDER:
            n = counts.get(period, {}).get(stance, 0)
            if not n:
                continue
            height = CHART_HEIGHT * n / busiest
            y -= height
            label = f"{period:%Y-%m}" if by_month else period.isoformat()
            parts.append(
                Markup(
                    '<rect class="bar stance-{s}" x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}">'
                    "<title>{label}: {n} {s}</title></rect>"
                ).format(s=stance or "unknown", x=x, y=y, w=bar, h=height, label=label, n=n)
            )
    for index in sorted({0, len(periods) - 1, len(periods) // 2}):
        period = periods[index]
        edge = " tick-end" if index == len(periods) - 1 and index > 0 else ""  # the last label ends at its bar
        parts.append(
            Markup('<text class="tick{edge}" x="{x:.1f}" y="{y}">{label}</text>').format(
                edge=edge,
                x=CHART_LEFT + index * (bar + 2) + (bar if edge else bar / 2),
                y=CHART_HEIGHT + 32,
                label=f"{period:%Y-%m}" if by_month else period.isoformat(),
            )
        )
    parts.append(Markup("</svg>"))
    return Markup("").join(parts)


def _periods(first: dt.date, last: dt.date, by_month: bool) -> list[dt.date]:
    """Every day, or every month, from the first to the last (empty ones too)."""
    found, period = [], first
    while period <= last:
        found.append(period)
        if by_month:
            period = (period.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        else:
            period += dt.timedelta(days=1)
    return found

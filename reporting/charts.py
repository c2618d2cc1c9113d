"""
The geometry of the dashboards' charts, drawn as SVG by the templates (no JavaScript).

Chart rules (DESIGN.md section 4, page 9): every chart has role="img", a text summary and the
same figures in a table next to it; colours come from the Analysis Function palette or the
status tags, and each series also has a direct label (and, on the line chart, its own marker
shape), so colour is never the only cue. These functions only place shapes; the words are
the templates'.
"""

from dataclasses import dataclass, field

LABEL_WIDTH = 190  # the area names, left of the bars
PLOT_WIDTH = 380
VALUE_WIDTH = 50
ROW = 24
BAR = 18
GROUP_GAP = 14
HEADING = 24


@dataclass
class Bar:
    label: str
    value: int | None  # a percentage
    y: int
    width: float
    colour: str
    text: str  # "34%", or "No data"

    @property
    def text_y(self):
        return self.y + 14

    @property
    def value_x(self):
        return round(LABEL_WIDTH + self.width + 6, 1)


@dataclass
class BarGroup:
    title: str
    y: int  # of the group's heading
    bars: list = field(default_factory=list)


@dataclass
class BarChart:
    width: int
    height: int
    groups: list
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH

    @property
    def label_x(self):
        return self.label_width - 8

    @property
    def ticks(self):
        """Gridlines at 0, 25, 50, 75 and 100%: [(x, "50%")]."""
        return [(self.label_width + self.plot_width * t / 100, f"{t}%") for t in (0, 50, 100)]


def grouped_bars(groups):
    """
    Horizontal bars of percentages, grouped by measure: `groups` is
    [(title, [(area label, percentage or None, colour)])].
    """
    y = 0
    chart_groups = []
    for title, bars in groups:
        group = BarGroup(title=title, y=y + 16)
        y += HEADING
        for label, value, colour in bars:
            group.bars.append(
                Bar(
                    label=label, value=value, y=y, colour=colour,
                    width=round(PLOT_WIDTH * (value or 0) / 100, 1),
                    text="No data" if value is None else f"{value}%",
                )
            )
            y += ROW
        chart_groups.append(group)
        y += GROUP_GAP
    return BarChart(
        width=LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH + 10, height=y, groups=chart_groups
    )


@dataclass
class Segment:
    x: float
    width: float
    colour: str
    label: str
    text: str  # the percentage, drawn only where it fits


@dataclass
class StackedRow:
    label: str
    y: int
    segments: list


@dataclass
class StackedChart:
    width: int
    height: int
    rows: list
    legend: list  # [(x, y, colour, label)]
    label_width: int = LABEL_WIDTH
    plot_width: int = PLOT_WIDTH


def stacked_bars(rows, categories):
    """
    One 100% bar per row: `rows` is [(label, {category: count})], `categories`
    [(code, label, colour)] in drawing order. Segments are separated by a white gap.
    """
    chart_rows = []
    y = 0
    for label, counts in rows:
        total = sum(counts.get(code, 0) for code, _, _ in categories)
        x = LABEL_WIDTH
        segments = []
        for code, category, colour in categories:
            count = counts.get(code, 0)
            if not total or not count:
                continue
            width = PLOT_WIDTH * count / total
            share = round(100 * count / total)
            segments.append(
                Segment(x=x, width=width, colour=colour, label=category,
                        text=f"{share}%" if width >= 34 else "")
            )
            x += width
        chart_rows.append(StackedRow(label=label, y=y, segments=segments))
        y += ROW + 6
    legend = []
    legend_y = y + 10
    for i, (_, category, colour) in enumerate(categories):
        column, line = divmod(i, 4)
        legend.append((column * 300, legend_y + line * 22, colour, category))
    height = legend_y + 4 * 22
    return StackedChart(width=LABEL_WIDTH + PLOT_WIDTH + 10, height=height, rows=chart_rows,
                        legend=legend)


MARKERS = {
    "circle": "M{x},{y} m-4.5,0 a4.5,4.5 0 1,0 9,0 a4.5,4.5 0 1,0 -9,0",
    "square": "M{x},{y} m-4,-4 h8 v8 h-8 z",
    "triangle": "M{x},{y} m0,-5.5 l5,9 h-10 z",
    "diamond": "M{x},{y} m0,-5.5 l5.5,5.5 l-5.5,5.5 l-5.5,-5.5 z",
}


@dataclass
class Series:
    label: str
    colour: str
    marker: str  # circle, square, triangle, diamond
    points: list  # [(x, y)] where there is a value
    path: str  # the polyline's points attribute
    end: tuple | None  # (x, y) of the direct label
    markers: str = ""  # one SVG path drawing the marker at every point


@dataclass
class LineChart:
    width: int
    height: int
    series: list
    x_ticks: list  # [(x, "12")]
    y_ticks: list  # [(y, "50%")]
    left: int
    right: int
    top: int
    bottom: int


def line_chart(series, months, *, width=660, height=300):
    """
    Lines of percentages by month: `series` is [(label, colour, marker, [value or None, ...])]
    with one value per entry of `months`.
    """
    left, right, top, bottom = 50, width - 170, 15, height - 40
    last = max(months[-1], 1)

    def x_of(month):
        return left + (right - left) * month / last

    def y_of(value):
        return bottom - (bottom - top) * value / 100

    lines = []
    taken = []
    for label, colour, marker, values in series:
        points = [(round(x_of(m), 1), round(y_of(v), 1))
                  for m, v in zip(months, values, strict=True) if v is not None]
        end = None
        if points:
            end_y = points[-1][1]
            # Keep direct labels apart when lines end close together.
            while any(abs(end_y - other) < 16 for other in taken):
                end_y += 16
            taken.append(end_y)
            end = (right + 12, end_y + 4)
        lines.append(Series(
            label=label, colour=colour, marker=marker, points=points,
            path=" ".join(f"{x},{y}" for x, y in points), end=end,
            markers=" ".join(MARKERS[marker].format(x=x, y=y) for x, y in points),
        ))
    x_ticks = [(round(x_of(m), 1), str(m)) for m in months if m % 6 == 0]
    y_ticks = [(round(y_of(v), 1), f"{v}%") for v in (0, 25, 50, 75, 100)]
    return LineChart(width=width, height=height, series=lines, x_ticks=x_ticks, y_ticks=y_ticks,
                     left=left, right=right, top=top, bottom=bottom)

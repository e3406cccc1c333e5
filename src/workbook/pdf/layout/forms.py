"""Stage 5, layout: AcroForm fields for the fillable edition, placed where people write.

Field names are stable and readable: `<worksheet>.<block type>.<n>` where n counts blocks
of that type in the worksheet's source (so `when:` never renumbers them), plus a part:
`i-statements.fill_in.2.blank1`, `objection-handling.table.1.r2c3`,
`boundary-planning.checklist.1.item4`, `boundary-planning.lines.3.1` (one per ruled line),
`therapist-matching.scale.1` (a radio group with one button per value).
"""

from __future__ import annotations

from typing import Any

from reportlab.lib.colors import Color, transparent
from reportlab.pdfbase.pdfdoc import PDFString
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from .tags import Element, owned_by

FIELD_FONT = "Helvetica"  # AcroForm appearance streams use a standard PDF font


def text_field(
    canv: Canvas,
    name: str,
    box: tuple[float, float, float, float],
    size: float,
    colour: Color,
    multiline: bool = False,
    tooltip: str = "",
) -> None:
    """A borderless, transparent text field over (x, y, width, height) in local coordinates;
    `tooltip` is what a screen reader says for it."""
    x, y, width, height = box
    canv.acroForm.textfield(
        name=name,
        x=x,
        y=y,
        width=width,
        height=height,
        relative=True,
        borderWidth=0,
        borderColor=transparent,
        fillColor=transparent,
        textColor=colour,
        fontName=FIELD_FONT,
        fontSize=0 if multiline else size,
        maxlen=10_000 if multiline else 500,
        fieldFlags="multiline" if multiline else "",
        annotationFlags="print",
        tooltip=tooltip or name,
    )


def check_box(canv: Canvas, name: str, x: float, y: float, size: float, colour: Color,
              tooltip: str = "") -> None:  # fmt: skip
    canv.acroForm.checkbox(
        name=name,
        x=x,
        y=y,
        size=size,
        relative=True,
        buttonStyle="check",
        borderWidth=0.9,
        borderColor=colour,
        fillColor=transparent,
        textColor=colour,
        forceBorder=True,
        fieldFlags="",
        tooltip=tooltip or name,
    )


def radio(canv: Canvas, name: str, value: str, box: tuple[float, float, float], colour: Color,
          spoken: tuple[str, str]) -> None:  # fmt: skip
    """One button of the radio group `name` at (x, y, size); `spoken` is what a screen
    reader says for the group and for this button ("How ready? 3 of 0 to 10"). The group
    starts with no choice made (/V /Off)."""
    x, y, size = box
    group_spoken, button_spoken = spoken
    form = canv.acroForm
    form.radio(
        name=name,
        value=value,
        x=x,
        y=y,
        size=size,
        relative=True,
        buttonStyle="circle",
        shape="circle",
        borderWidth=0,
        borderColor=transparent,
        fillColor=transparent,
        textColor=colour,
        fieldFlags="noToggleToOff radio",
        tooltip=group_spoken or name,
    )
    group = form._radios[name]  # ReportLab's group and the button it just made
    group.V = group.V or "Off"
    button = canv._doc.idToObject[group.kids[-1].name]
    button.dict["TU"] = PDFString(button_spoken or group_spoken or name)


class FieldCell(Flowable):  # type: ignore[misc]
    """Fills a blank table cell; in the fillable edition it is a text field."""

    def __init__(self, name: str | None, height: float, size: float, colour: Color,
                 tag: Element | None = None, tooltip: str = "") -> None:  # fmt: skip
        super().__init__()
        self.name, self.min_height, self.size, self.colour = name, height, size, colour
        self.tag, self.tooltip = tag, tooltip  # its table cell's element; its spoken name

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, self.min_height
        return self.width, self.height

    def draw(self) -> None:
        if self.name:
            multiline = self.height > self.size * 2.5
            box = (0, 0, self.width, self.height)
            with owned_by(self.canv, self.tag):
                text_field(self.canv, self.name, box, self.size, self.colour, multiline,
                           self.tooltip)  # fmt: skip


def blank_callback(size: float, width: float, space: float, colour: Color,
                   tooltips: dict[str, str]) -> Any:  # fmt: skip
    """The canvas callback behind `<onDraw name="wbBlank" label="NAME|N"/>` in fill-in
    sentences: the marker comes one space into an underline of N spaces (`space` wide each;
    without N, the underline is `width` wide), and the field covers the underline exactly.
    `tooltips` has each blank's spoken name (layout fills it in)."""

    def on_blank(canv: Canvas, kind: str, label: str) -> None:
        info = canv._curr_tx_info  # set by ReportLab while it draws the paragraph line
        name, _, count = label.partition("|")
        x, y = info["cur_x"] - space, info["cur_y"]
        box = (x, y - size * 0.3, int(count) * space if count else width, size * 1.45)
        text_field(canv, name, box, size, colour, tooltip=tooltips.get(name, ""))

    return on_blank

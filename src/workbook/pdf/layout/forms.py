"""Stage 5, layout: AcroForm fields for the fillable edition, placed where people write.

Field names are stable and readable: `<worksheet>.<block type>.<n>` where n counts blocks
of that type in the worksheet's source (so `when:` never renumbers them), plus a part:
`i-statements.fill_in.2.blank1`, `objection-handling.table.1.r2c3`,
`boundary-planning.checklist.1.item4`, `boundary-planning.lines.3.1` (one per ruled line),
`therapist-matching.scale.1` (a radio group with one button per value).

Text fields are set in the form's own font, embedded whole (pdf/form_fonts.py), so that what
people type shows in any script the theme's fonts can draw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from reportlab.lib.colors import Color, Whiter, transparent
from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.acroform import AcroForm, PDFFromString, opaqueColor
from reportlab.pdfbase.pdfdoc import PDFArray, PDFDictionary, PDFString
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable

from ...errors import Diagnostic
from ...fonts import FontSet
from ..form_fonts import RESOURCE, FieldFont, add_font, field_font
from .pen import Written
from .tags import Element, field_in_text, marked, owned_by


class ButtonForm(AcroForm):  # type: ignore[misc]
    """ReportLab's AcroForm, with radio buttons that look as our own: chosen, a thick ring
    just inside the printed ring the button sits on, clear of its number and centred
    whatever the button's size. ReportLab 5.1's chosen dot covers the number, and buttons
    that are not 20 points have it off-centre and clipped (it scales by size/20 twice).

    Check boxes keep ReportLab's look (the box, and the tick when ticked), but pressed, an
    unticked box shows a light tick. ReportLab's pressed and rollover looks of every button
    painted a black square or disc over it: it darkens and lightens the transparent fill
    into opaque black; here a transparent colour stays transparent."""

    MARK = 0.22  # the chosen ring's width, as a share of the printed ring's radius
    LIGHT = 0.35  # a pressed unticked box's tick: this share of the pressed colour, the rest white

    _ring: float | None = None  # the printed ring's radius, while radio() makes a button

    def radio(self, ring: float, **kw: Any) -> None:
        """ReportLab's radio button, for a printed ring of radius `ring` round its middle."""
        self._ring = ring
        try:
            super().radio(**kw)
        finally:
            self._ring = None

    def checkboxAP(self, key: str, value: str, **kw: Any) -> Any:
        """A button's look for the appearance `key` (N normal, D pressed, R rollover) and
        state `value` (Yes or Off): a check box's is ReportLab's, with a light tick while an
        unticked box is pressed; a radio button's is the chosen ring (drawn while pressed,
        too) or nothing."""
        if self._ring is None:
            if key == "D" and value == "Off":
                kw["textColor"] = Whiter(kw["textColor"], self.LIGHT)
                value = "Yes"
            return super().checkboxAP(key, value, **kw)
        size = kw["size"]
        drawn = value == "Yes" or key == "D"
        ring, colour = min(self._ring, size / 2), self.streamStrokeColor(kw["textColor"])
        stream = _chosen_ring(size / 2, ring, colour)
        return self.makeStream(size, size, stream if drawn else "",
                               Resources=PDFFromString("<< /ProcSet [/PDF] >>"))  # fmt: skip

    @staticmethod
    def varyColors(key: str, *colours: Color | None) -> tuple[Color | None, ...]:
        """A button's text, border and fill colours for the look `key`: ReportLab's (darker
        pressed, lighter on rollover), but a transparent colour stays transparent."""
        varied = AcroForm.varyColors(key, *colours)
        return tuple(v if opaqueColor(c) else c for c, v in zip(colours, varied, strict=True))


def _chosen_ring(middle: float, ring: float, colour: str) -> str:
    """Content drawing the chosen ring round (middle, middle) in a stroke `colour`: from the
    printed ring's radius `ring` (the middle of its line, so no gap shows) inwards."""
    width = ring * ButtonForm.MARK
    r, c = ring - width / 2, middle
    k = r * 0.5523  # a quarter circle's control points, as Bézier arcs draw it
    arcs = [(c + r, c + k, c + k, c + r, c, c + r),  # from the right round to the top
            (c - k, c + r, c - r, c + k, c - r, c),
            (c - r, c - k, c - k, c - r, c, c - r),
            (c + k, c - r, c + r, c - k, c + r, c)]  # fmt: skip
    path = " ".join(f"{fp_str(*arc)} c" for arc in arcs)
    return f"q {colour} {fp_str(width)} w {fp_str(c + r, c)} m {path} s Q"


class FieldForm(ButtonForm):
    """Our AcroForm, with the field font as the font of every text field and the form's
    default: ReportLab would use a standard font, which is never embedded."""

    def __init__(self, canv: Any, fonts: FontSet, warnings: list[Diagnostic]) -> None:
        super().__init__(canv)
        self.field_fonts, self.warnings = fonts, warnings
        self.field_font: FieldFont | None = None

    def makeFont(self, fontName: str | None) -> tuple[str, str]:
        """ReportLab asks this for each text field: (a reference to the font, its name)."""
        if self.field_font is None:
            self.field_font = field_font(self.field_fonts)
            self.fonts[RESOURCE] = add_font(self.canv._doc, self.field_font)
            for name in self.field_font.left_out:
                self._warn(f"the fillable edition's fields leave out the characters of the font "
                           f"{name}, too big to embed whole: answers typed in them show only "
                           "where the reader's PDF viewer has a font of its own for them")  # fmt: skip
        return self.fonts[RESOURCE], RESOURCE

    def _warn(self, message: str) -> None:
        if all(w.message != message for w in self.warnings):
            self.warnings.append(Diagnostic(message, severity="warning"))

    def txAP(self, key: str, value: str, *args: Any, **kw: Any) -> Any:
        """ReportLab's text field appearance, with the value drawn in the field font
        (ReportLab writes it as one-byte text), and never shared between fields (ReportLab
        shares equal ones): pypdf and qpdf write a value into the stream a field has."""
        stream = super().txAP(key, "", *args, **kw)
        if value and self.field_font is not None:
            colour = self.streamFillColor(kw["textColor"]) if kw.get("textColor") else "0 g"
            drawn = _value(self.field_font, value, args[2], (kw["width"], kw["height"]))
            head, _, tail = stream.content.rpartition("Q\nEMC")
            stream.content = f"{head}BT {colour} /{RESOURCE} {drawn} ET\nQ\nEMC{tail}"
        stream._af_refstr += f"\n% field {len(self.fields)}"  # the key ReportLab shares by
        return stream

    def format(self, doc: Any) -> bytes:
        """ReportLab's, without the /Encoding it gives standard fonts."""
        entries: dict[str, Any] = {"Fields": PDFArray([self.getRef(f) for f in self.fields])}
        if self.sigFlags:
            entries["SigFlags"] = self.sigFlags
        if self.fonts:
            entries["DA"] = PDFString(f"/{RESOURCE} 0 Tf 0 g")
            entries["DR"] = PDFFromString(f"<< /Font << /{RESOURCE} {self.fonts[RESOURCE]} >> >>")
        entries.update(self.extras)
        return bytes(PDFDictionary(entries).format(doc))


def _value(font: FieldFont, value: str, size: float, box: tuple[float, float]) -> str:
    """Text operators (after a font name) drawing `value` in a field `box` (width, height)
    two points in: one line centred on its height, or (size 0, a multiline field's "fit")
    lines from the top at the largest size up to 12 points that fits them all."""
    width, height = box[0] - 4, box[1] - 2
    if size:
        lines, top = [value.replace("\n", " ")], (box[1] - size * 0.7) / 2
    else:
        size = 12.0
        while size > 4 and len(_lines(font, value, size, width)) * size * 1.15 > height:
            size -= 0.5
        lines, top = _lines(font, value, size, width), box[1] - 1 - size * 0.9
    shown = " ".join(f"<{font.encode(line).hex()}> Tj 0 {-size * 1.15:.2f} Td" for line in lines)
    return f"{size:g} Tf 2 {top:.2f} Td {shown}"


def _lines(font: FieldFont, value: str, size: float, width: float) -> list[str]:
    """`value` broken at spaces into lines `width` wide (and where it has line breaks)."""
    lines = []
    for paragraph in value.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            wider = f"{line} {word}" if line else word
            if line and font.width(wider, size) > width:
                lines.append(line)
                wider = word
            line = wider
        lines.append(line)
    return lines


def form_of(canv: Any) -> ButtonForm:
    """The canvas's form, made on its first field: a FieldForm when the canvas carries the
    build's fonts (`with_form_fonts`)."""
    form = getattr(canv, "AcroForm", None)
    if form is None:
        fonts = getattr(canv, "form_fonts", None)
        form = ButtonForm(canv) if fonts is None else FieldForm(canv, *fonts)
        canv.AcroForm = canv._doc._catalog.AcroForm = form
    return form


def with_form_fonts(canvasmaker: Callable[..., Any], fonts: FontSet,
                    warnings: list[Diagnostic]) -> Callable[..., Any]:  # fmt: skip
    """A canvas maker for `doc.build` whose canvases carry the fonts for their form, and where
    to note a font the form cannot take in."""

    def make(*args: Any, **kw: Any) -> Any:
        canv = canvasmaker(*args, **kw)
        canv.form_fonts = fonts, warnings
        return canv

    return make


def text_field(
    canv: Canvas,
    name: str,
    box: tuple[float, float, float, float],
    size: float,
    colour: Color,
    multiline: bool = False,
    tooltip: str = "",
    value: str = "",
) -> None:
    """A borderless, transparent text field over (x, y, width, height) in local coordinates;
    `tooltip` is what a screen reader says for it; `value` the answer it starts with."""
    x, y, width, height = box
    form_of(canv).textfield(
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
        fontSize=0 if multiline else size,
        maxlen=10_000 if multiline else 500,
        fieldFlags="multiline" if multiline else "",
        annotationFlags="print",
        tooltip=tooltip or name,
        value=value,
    )


def check_box(canv: Canvas, name: str, x: float, y: float, size: float, colour: Color,
              tooltip: str = "", checked: bool = False) -> None:  # fmt: skip
    form_of(canv).checkbox(
        checked=checked,
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
          spoken: tuple[str, str], selected: bool = False,
          ring: float | None = None) -> None:  # fmt: skip
    """One button of the radio group `name` at (x, y, size), over a printed ring of radius
    `ring` (by default, just inside the button) round its middle: chosen, it shows a thick
    ring in `colour` inside that one. `spoken` is what a screen reader says for the group and
    for this button ("How ready? 3 of 0 to 10"). The group starts with no choice made
    (/V /Off) unless a button is `selected`."""
    x, y, size = box
    group_spoken, button_spoken = spoken
    form = form_of(canv)
    made = form._radios.get(name)  # ReportLab's group, once its first button is made
    if selected and made is not None and made.V == "Off":
        made.V = None  # no choice so far: this one is it
    form.radio(
        ring=size / 2 * 0.92 if ring is None else ring,
        name=name,
        value=value,
        selected=selected,
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
                 tag: Element | None = None, tooltip: str = "",
                 written: Written | None = None) -> None:  # fmt: skip
        super().__init__()
        self.name, self.min_height, self.size, self.colour = name, height, size, colour
        self.tag, self.tooltip = tag, tooltip  # its table cell's element; its spoken name
        self.written = written  # the answer it starts with (print: written in the cell)

    def wrap(self, aw: float, ah: float) -> tuple[float, float]:
        self.width, self.height = aw, self.min_height
        return self.width, self.height

    def draw(self) -> None:
        written = self.written
        if self.name:
            multiline = self.height > self.size * 2.5
            box = (0, 0, self.width, self.height)
            value = "\n".join(written.lines) if written else ""
            with owned_by(self.canv, self.tag):
                text_field(self.canv, self.name, box, self.size, self.colour, multiline,
                           self.tooltip, value)  # fmt: skip
        elif written:
            pen, leading = written.pen, written.pen.size * 1.2
            with marked(self.canv, self.tag):
                ys = [
                    self.height - leading * (i + 1) + pen.size * 0.25
                    for i in range(len(written.lines))
                ]
                pen.write_lines(
                    self.canv, [(0, y, line) for y, line in zip(ys, written.lines, strict=True)]
                )


def blank_callback(size: float, width: float, space: float, colour: Color,
                   tooltips: dict[str, str], values: dict[str, str]) -> Any:  # fmt: skip
    """The canvas callback behind `<onDraw name="wbBlank" label="NAME|N"/>` in fill-in
    sentences: the marker comes one space into an underline of N spaces (`space` wide each;
    without N, the underline is `width` wide), and the field covers the underline exactly.
    `tooltips` has each blank's spoken name, `values` the answers blanks start with."""

    def on_blank(canv: Canvas, kind: str, label: str) -> None:
        info = canv._curr_tx_info  # set by ReportLab while it draws the paragraph line
        name, _, count = label.partition("|")
        x, y = info["cur_x"] - space, info["cur_y"]
        box = (x, y - size * 0.3, int(count) * space if count else width, size * 1.45)
        with field_in_text(canv, info["tx"]):  # read between the words either side of it
            text_field(canv, name, box, size, colour, tooltip=tooltips.get(name, ""),
                       value=values.get(name, ""))  # fmt: skip

    return on_blank

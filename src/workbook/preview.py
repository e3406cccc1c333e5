"""`workbook preview`: pages of a PDF (or of a manifest's workbook) as PNG images."""

from __future__ import annotations

import io
import math
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import Location, WorkbookError
from .output import ACTIVE_TEMPORARIES, guard, write_guarded

if TYPE_CHECKING:
    from PIL import Image

MAX_DPI = 300
SHEET_COLUMNS = 6
GAP = 8


def parse_pages(spec: str | None, count: int) -> list[int]:
    """'1-3,5' -> [1, 2, 3, 5] (1-based); None -> every page."""
    if not spec:
        return list(range(1, count + 1))
    pages: list[int] = []
    for part in spec.split(","):
        first, _, last = part.strip().partition("-")
        if not first.isdigit() or (last and not last.isdigit()):
            raise WorkbookError(f"--pages '{spec}': write page numbers and ranges, e.g. 1-3,5")
        low, high = int(first), int(last or first)
        if not 1 <= low <= high <= count:
            raise WorkbookError(f"--pages '{spec}': this PDF has pages 1 to {count}")
        pages += range(low, high + 1)
    return list(dict.fromkeys(pages))


def render_pages(pdf: Path, out_dir: Path, pages: str | None = None, dpi: int = 60,
                 sheet: bool = False, password: str | None = None,
                 force: bool = False) -> list[Path]:  # fmt: skip
    """Write one PNG per chosen page, or one contact sheet of them; return the files."""
    import pypdfium2 as pdfium

    if not 10 <= dpi <= MAX_DPI:
        raise WorkbookError(f"--dpi {dpi}: choose 10 to {MAX_DPI}")
    try:
        document = pdfium.PdfDocument(str(pdf), password=password)
    except pdfium.PdfiumError as exc:
        raise WorkbookError.at(Location(pdf), f"cannot open this PDF ({exc})") from None
    try:
        document.init_forms()  # draw form fields and the answers typed into them
        chosen = parse_pages(pages, len(document))
        images = [
            document[n - 1].render(scale=dpi / 72, may_draw_forms=True).to_pil() for n in chosen
        ]
    finally:
        document.close()
    if sheet:
        images, names = [contact_sheet(images)], [f"{pdf.stem}-sheet.png"]
    else:
        names = [f"{pdf.stem}-{number:03d}.png" for number in chosen]
    targets = [guard(out_dir / name, "image", force=force, inputs=[pdf]) for name in names]
    for image, target in zip(images, targets, strict=True):
        write_guarded(_png(image), target, force)
    return [t.shown for t in targets]


def _png(image: Image.Image) -> bytes:
    """PNG bytes that say workbook made them (so a later preview may replace them)."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "workbook")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", pnginfo=info)
    return buffer.getvalue()


def contact_sheet(images: list[Image.Image]) -> Image.Image:
    """All pages tiled on a grey background, left to right, top to bottom."""
    from PIL import Image

    width = max(i.width for i in images)
    height = max(i.height for i in images)
    columns = min(SHEET_COLUMNS, len(images))
    rows = math.ceil(len(images) / columns)
    sheet = Image.new(
        "RGB", (columns * (width + GAP) + GAP, rows * (height + GAP) + GAP), "#8a8a8a"
    )
    for index, image in enumerate(images):
        x, y = GAP + (index % columns) * (width + GAP), GAP + (index // columns) * (height + GAP)
        sheet.paste(image, (x, y))
    return sheet


def preview_manifest(manifest: Path, out_dir: Path, **kw: object) -> list[Path]:
    """Build the manifest's workbook to a temporary file and preview that."""
    from .build import build
    from .project import BuildOptions

    with tempfile.TemporaryDirectory() as folder:
        ACTIVE_TEMPORARIES.add(folder)  # a workbook with names in it: gone even on Ctrl-C
        try:
            pdf = Path(folder) / f"{manifest.stem}.pdf"
            build(BuildOptions(manifest=manifest, output=pdf))
            return render_pages(pdf, out_dir, **kw)  # type: ignore[arg-type]
        finally:
            ACTIVE_TEMPORARIES.discard(folder)

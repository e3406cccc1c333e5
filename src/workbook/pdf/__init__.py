"""The PDF renderer: a personalised project laid out with ReportLab into a tagged PDF.

    layout/        blocks, flowables, form fields, page craft, cover, running header/footer,
                   the tagging context every draw goes through
    render.py      one layout pass, page numbers, outline: `render(project) -> Rendered`
    structure.py   the structure tree, parent tree and XMP metadata
    file.py        the file, with the structure in one compressed object stream

Front doors (the CLI, batch, the wizard) use `workbook.build`; this package's public names
are below. The HTML renderer will sit beside it.
"""

from .render import BuildResult, Rendered, render

__all__ = ["BuildResult", "Rendered", "render"]

"""workbook: YAML worksheets to personalised, print-ready PDF workbooks.

Pipeline: sources -> validate -> project (library, theme, fonts) -> personalise -> layout -> pdf.
"""

__version__ = "0.1.0"

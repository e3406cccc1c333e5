"""Reading answers back, beside `output.py` at the file end of the pipeline:

    filled PDF(s) ──read.py──▶ fields ──model.py──▶ WorkbookAnswers ──formats.py──▶ text/JSON/CSV

A fillable workbook's answers live only in the PDF's form fields; these modules read them
and never log them. A field's name is the contract in `workbook.document`; its question
is read back from its spoken name (questions.py); files.py reads every file a command names.
given.py holds the answers a build starts with.

The package imports none of its modules: a build needs only given.py, and reading answers
(pypdf, the locale's questions) is left to the commands that do it.
"""

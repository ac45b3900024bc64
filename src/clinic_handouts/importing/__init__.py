"""``handouts import``: a clinic's Word library (.docx) turned into handouts.

- ``docx.py``: reads one Word file, refusing what is not one (.doc, .pdf, a damaged or
  password-protected file) with a message a writer can act on; mammoth turns the
  document into plain, clean HTML and hands over its pictures.
- ``markdown.py``: that HTML as handout Markdown, written for the converter
  text/markdown.py configures (4-space nested lists, simple tables), with the title.
- ``run.py``: names, writes (never over an existing file) and checks the results.
"""

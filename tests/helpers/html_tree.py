"""How the tests read a page the tool writes (the catalogue): with the tool's one HTML
reader, ``clinic_handouts/importing/html_tree.py``, as a person's browser shows the page
with no CSS and no JavaScript: elements found by id, class or tag, with their text.

Reading the page with the tool's own reader keeps these tests honest: the pages are
written by the theme's Jinja templates, never by this reader, so a test that reads one
back checks the page, not the reader; and the reader is the plain standard-library
``HTMLParser`` with a stack, which the importer's tests exercise on their own.
"""

from clinic_handouts.importing.html_tree import Element, parse

__all__ = ["Element", "parse"]

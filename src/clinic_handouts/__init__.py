"""clinic-handouts: turn a clinic's Markdown patient handouts into branded, stamped PDFs."""

__version__ = "0.1.0"

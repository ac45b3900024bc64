"""Printing: ``handouts print`` through CUPS, rack restock packs, the tri-fold edition's
imposition and the print-shop files."""

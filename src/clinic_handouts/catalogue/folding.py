"""Search folding for the catalogue: the one rule for turning a title or a query into the
form the catalogue's search compares, so that ``doi`` finds ``đổi``, ``depresion`` finds
``depresión`` and Arabic is found with or without its vowel marks and hamza.

The catalogue page is searched in the browser: ``templates/catalogue.js`` folds what a
person types with the same steps, and the page carries each card's text already folded
(``data-search``). The two must agree, which tests/catalogue/test_browser.py checks in
Chromium. The steps, in this order:

1. lower case (as JavaScript's ``toLowerCase``; "ß" stays, so it is spelled "ss" below);
2. Unicode compatibility decomposition (NFKD): accents come off their letters, full-width
   letters become plain ones, Arabic presentation forms become letters, and the hamza
   forms ``أ إ آ ؤ ئ`` become ``ا ا ا و ي`` plus a mark;
3. removal of those marks: Latin, Greek and Cyrillic accents, Hebrew points and Arabic
   harakat, shadda, sukun, the hamza and madda marks, superscript alef and the tatweel.
   Only these: the vowel signs of Indic scripts are letters of their words, not accents;
4. the letters NFKD leaves whole because they are not "a letter plus an accent" in
   Unicode (đ, ł, ø, ß, æ, œ, ħ, ı) spelled the way a person types them without the key;
   Farsi ی and ک as the Arabic ي and ك, alef maksura ى as ي and teh marbuta ة as ه, so a
   search typed on either keyboard finds the other;
5. recomposition (NFC), so Korean syllables and other scripts compare whole.
"""

from __future__ import annotations

import re
import unicodedata

# Step 3. The ranges are spelled out in catalogue.js too: keep them the same.
MARKS = re.compile(
    "["
    "\u0300-\u036f"  # combining diacritical marks (Latin, Greek, Cyrillic, Vietnamese)
    "\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # their extensions
    "\u0591-\u05c7"  # Hebrew points and cantillation
    "\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed"  # Arabic harakat, shadda, hamza marks
    "\u0640"  # Arabic tatweel (a stretching stroke, not a letter)
    "]"
)
# Step 4. Also in catalogue.js.
LETTERS = {
    "đ": "d",
    "ð": "d",
    "ł": "l",
    "ø": "o",
    "ß": "ss",
    "æ": "ae",
    "œ": "oe",
    "ħ": "h",
    "ı": "i",
    "ی": "ي",
    "ې": "ي",
    "ى": "ي",
    "ک": "ك",
    "ة": "ه",
}
_LETTER = re.compile("[" + "".join(LETTERS) + "]")


def fold(text: str) -> str:
    """``text`` in the form the catalogue's search compares (see the module's steps)."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = MARKS.sub("", text)
    text = _LETTER.sub(lambda match: LETTERS[match.group(0)], text)
    return unicodedata.normalize("NFC", text)

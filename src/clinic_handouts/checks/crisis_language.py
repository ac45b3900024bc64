"""``crisis-language-fallback`` (warning): the region's crisis data has nothing in the
handout's language (no service answers in it, and no ``[interpreter]`` text says in it how
to reach one through an interpreter), so its crisis box and footer line are printed in the
region's default language, with a note in the handout's language saying so.

A box that tells the reader, in their language, to call 988 and ask for an interpreter
is no fallback: it is the help that exists, and the translation-unreviewed warning
already asks for its wording to be checked.

The handout is still built: a crisis line in another language is far better than none.
The warning is there so the clinic knows, and knows how to add the language.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from clinic_handouts.errors import Problem, warning
from clinic_handouts.project.sources import Handout
from clinic_handouts.text.markdown import BodyHtml

if TYPE_CHECKING:
    from clinic_handouts.checks import CheckContext


def check(handout: Handout, markup: BodyHtml, context: CheckContext) -> list[Problem]:
    crisis = context.crisis
    used = crisis.for_lang(handout.lang)
    if not used.fallback:
        return []
    own = f"crisis/{crisis.region}.toml"
    if crisis.data_file == own:
        how = (
            f"add '{handout.lang}' texts to {own}: to its [footer] and to each service, "
            "or, if a service takes calls through interpreters, to its [interpreter] tables"
        )
    else:
        bundled = Path(str(resources.files("clinic_handouts") / "data" / "crisis"))
        how = (
            f"copy {bundled / (crisis.region + '.toml')} to {own} in the project and add "
            f"'{handout.lang}' texts to its [footer] and to each service"
        )
    return [
        warning(
            handout.rel,
            handout.line_of("lang") if "lang" in handout.meta_lines else 0,
            "crisis-language-fallback",
            f"the {crisis.region_name} crisis data has no services listed in "
            f"'{handout.lang}', so the crisis box and crisis line are printed in "
            f"'{used.lang}', with a note saying so. To list them in '{handout.lang}', {how}",
        )
    ]

"""``python -m clinic_handouts``: the same as the ``handouts`` command."""

from clinic_handouts.cli import main

main()

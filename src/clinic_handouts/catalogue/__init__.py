"""The catalogue page, ``build/index.html``, and what it lists."""

"""MAKE: HTML from the theme's templates, then a verified, tagged PDF; thumbnails."""

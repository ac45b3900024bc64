"""``handouts serve``: the preview server and its pages."""

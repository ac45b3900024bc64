"""UNDERSTAND: a handout's body: limits on its shape, Markdown to safe HTML, the prose a
reader meets, and its reading level.
"""

"""READ: the project loaded once (config, crisis data, theme, words, sources), its
folders and editions, and the build date.
"""

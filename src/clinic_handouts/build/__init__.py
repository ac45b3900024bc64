"""SCHEDULE and RECORD: plan the jobs, run them on every core, and keep build/ (lock,
manifest, caches, atomic writes, pruning).
"""

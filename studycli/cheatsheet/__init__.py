"""Cheatsheet lookup: index built from the content, ranked search."""

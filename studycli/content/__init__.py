"""Markdown content -> Card records. Pure: text in, records and problems out."""

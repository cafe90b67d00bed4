"""Markdown content -> Card records.

- `studycli.content.model`: the `Card` and `Problem` records.
- `studycli.content.parser`: pure parsing (text in, cards and problems out): `parse_text`,
  `parse_bytes`, `parse_document`, `deduplicate`.
- `studycli.content.loader`: the file side: `content_files(roots)`, `read_file`, `load_content(roots)`.

To get the cards into the database (with the parse cache and orphans) use
`studycli.store.sync.sync_content`; to read them back, `studycli.store.cards`.
"""

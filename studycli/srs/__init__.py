"""Spaced repetition: the pure SM-2 scheduler (`sm2`), the review queue (`queue`) and the review
session (`session`) that records grades through `studycli.store.reviews`."""

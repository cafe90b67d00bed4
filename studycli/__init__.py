"""Streaming Mastery: spaced repetition and live drills for the streaming stack."""

__version__ = "0.1.0"

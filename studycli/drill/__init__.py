"""The drill engine: drill definitions, fault primitives, checks, scoring and the active drill."""

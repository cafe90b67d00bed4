"""Avro schema compatibility (pure) and the bridge to a live Confluent-compatible registry."""

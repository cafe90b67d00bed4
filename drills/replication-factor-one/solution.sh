# 1. One replica per partition.
kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic invoices

# 2. A plan that keeps each current replica first (no leader move) and adds the other two brokers.
cat > reassign.json <<'JSON'
{"version": 1, "partitions": [
  {"topic": "invoices", "partition": 0, "replicas": [1, 2, 3]},
  {"topic": "invoices", "partition": 1, "replicas": [2, 3, 1]},
  {"topic": "invoices", "partition": 2, "replicas": [3, 1, 2]}
]}
JSON

# 3. Execute it, then verify until the tool reports every partition complete.
kafka-reassign-partitions.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --reassignment-json-file reassign.json --execute
for _ in $(seq 1 60); do
  out=$(kafka-reassign-partitions.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --reassignment-json-file reassign.json --verify)
  echo "$out"
  if ! echo "$out" | grep -q "still in progress"; then break; fi
  sleep 2
done

# 4. Three replicas, all in the Isr.
kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic invoices

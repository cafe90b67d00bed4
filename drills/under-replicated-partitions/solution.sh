# 1. See the damage: every partition lists broker 3 as a replica but not in its Isr.
kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --under-replicated-partitions

# 2. Confirm which node is gone (node 3 does not answer).
kafka-broker-api-versions.sh --bootstrap-server "$BOOTSTRAP_SERVERS" | grep -o '^[^ ]* (id: [0-9]*' || true

# 3. Bring the node back; its replicas catch up from the leaders.
study env start-node 3

# 4. Wait until nothing is under-replicated.
for _ in $(seq 1 60); do
  if [ -z "$(kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --under-replicated-partitions)" ]; then
    echo "all partitions fully replicated"
    exit 0
  fi
  sleep 2
done
echo "still under-replicated" >&2
exit 1

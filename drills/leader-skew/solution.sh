# 1. Leader is 1 everywhere, though the first replica (the preferred leader) differs.
kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic clickstream

# 2. Move leadership back to the preferred replicas.
kafka-leader-election.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --election-type PREFERRED --all-topic-partitions

# 3. Leaders now match the first replica of each partition.
kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic clickstream

# 1. The group is stopped and sits at the end of every partition.
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --group invoicing

# 2. The release time from the page, in UTC (the tool reads a time without a zone as UTC).
RELEASE="$(study drill status --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["facts"]["briefing"]["release_iso"])')"

# 3. Preview, then rewind to the first order at or after the release.
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --group invoicing --topic orders-placed \
  --reset-offsets --to-datetime "$RELEASE" --dry-run
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --group invoicing --topic orders-placed \
  --reset-offsets --to-datetime "$RELEASE" --execute

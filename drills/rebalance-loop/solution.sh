# 1. The member keeps leaving: a batch of 25 reports at 400 ms each takes 10 s,
#    longer than max.poll.interval.ms=8000, so the member is removed before it commits.
tail -n 6 "$DRILL_WORKSPACE/report-builder.log"
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --group report-builder

# 2. Give a batch enough time (or take fewer records per poll); the service reloads the file.
sed -i 's/^max.poll.interval.ms=.*/max.poll.interval.ms=60000/' "$DRILL_WORKSPACE/report-builder.properties"

# 3. Watch the lag drain to 0.
for _ in $(seq 1 60); do
  lag=$(kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --group report-builder 2>/dev/null \
        | awk '$1 == "report-builder" {s += ($6 ~ /^[0-9]+$/) ? $6 : 1} END {print s + 0}')
  echo "lag: $lag"
  [ "$lag" = "0" ] && break
  sleep 3
done

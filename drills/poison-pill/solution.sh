# 1. Where did the tracker stop, and on what?
tail -n 3 "$DRILL_WORKSPACE/shipment-tracker.log"
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --group shipment-tracker

# 2. The group has no active member (the service is down), so its offsets can be reset.
#    Preview first, then move exactly one record past the bad one.
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --group shipment-tracker \
  --topic shipments:0 --reset-offsets --shift-by 1 --dry-run
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --group shipment-tracker \
  --topic shipments:0 --reset-offsets --shift-by 1 --execute

# 3. The group now starts at the record after the bad one.
kafka-consumer-groups.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --group shipment-tracker

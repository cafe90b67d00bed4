# 1. The producer log shows NOT_ENOUGH_REPLICAS on every send.
tail -n 5 "$DRILL_WORKSPACE/payments-producer.log"

# 2. The topic demands 3 in-sync replicas, but with broker 2 away the Isr has 2.
kafka-configs.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --entity-type topics --entity-name payments
kafka-topics.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --describe --topic payments

# 3. RF 3 with min.insync.replicas=2: every acknowledged write is on two brokers,
#    and one broker may be away. (Never 1: that acknowledges writes held by one broker.)
kafka-configs.sh --bootstrap-server "$BOOTSTRAP_SERVERS" --alter --entity-type topics --entity-name payments \
  --add-config min.insync.replicas=2

# 4. Watch the producer recover.
sleep 3
tail -n 3 "$DRILL_WORKSPACE/payments-producer.log"

"""The shipment-tracker service: reads JSON shipment events and commits after each batch.

An event it cannot decode stops it: it commits everything before that event, logs the
problem and exits, the way a service without an error-handling policy crashes.
"""

import json
import sys

from confluent_kafka import Consumer, KafkaException, TopicPartition

from studycli.drill.service_kit import Lifetime, config_path, read_properties

settings = read_properties(config_path())
topic = settings.pop("topic")
settings["enable.auto.commit"] = "false"
# Run until SIGTERM, the drill ends (pid file removed) or the environment is torn down.
lifetime = Lifetime()
consumer = Consumer(settings)
consumer.subscribe([topic])
processed = 0
exit_code = 0
try:
    while lifetime.running():
        msg = consumer.poll(1.0)
        if msg is None:
            continue
        if msg.error():
            print(f"consumer error: {msg.error()}", flush=True)
            continue
        try:
            event = json.loads(msg.value().decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            position = TopicPartition(msg.topic(), msg.partition(), msg.offset())
            consumer.commit(offsets=[position], asynchronous=False)
            print(
                f"FATAL cannot deserialize record {msg.topic()}-{msg.partition()}@{msg.offset()} "
                f"(key {msg.key()!r}, {len(msg.value())} bytes): {err}",
                flush=True,
            )
            print(f"processed {processed} events before the failure; shutting down", flush=True)
            exit_code = 2
            break
        processed += 1
        if processed % 50 == 0:
            consumer.commit(message=msg, asynchronous=False)
            print(f"tracked {processed} parcels, last {event.get('parcel')}", flush=True)
except KafkaException as err:
    print(f"kafka error: {err}", flush=True)
    exit_code = 1
finally:
    consumer.close()
sys.exit(exit_code)

"""shipping-service's producer: Avro values through the registry with auto-registration OFF, as in
production. Two sends a second; every outcome is logged. Stops on SIGTERM or when its pid file goes."""

import argparse
import os
import pathlib
import signal
import time

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

parser = argparse.ArgumentParser()
parser.add_argument("--config", required=True)
args = parser.parse_args()
settings = {}
for line in pathlib.Path(args.config).read_text(encoding="utf-8").splitlines():
    if line.strip() and not line.startswith("#") and "=" in line:
        key, value = line.split("=", 1)
        settings[key.strip()] = value.strip()
topic = settings["topic"]
schema = pathlib.Path(settings["value.schema.file"]).read_text(encoding="utf-8")
auto_register = settings.get("auto.register.schemas", "false").lower() == "true"
serialize = AvroSerializer(
    SchemaRegistryClient({"url": settings["schema.registry.url"], "timeout": 10}),
    schema,
    conf={"auto.register.schemas": auto_register},
)
producer = Producer({"bootstrap.servers": settings["bootstrap.servers"], "acks": "all"})
pid_file = os.environ.get("DRILL_PID_FILE")
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
print(f"READY shipping-service producing to {topic}, auto.register.schemas={auto_register}", flush=True)


def report(err, msg):
    if err is None:
        print(f"sent shipment to {msg.topic()}[{msg.partition()}]@{msg.offset()}", flush=True)
    else:
        print(f"send failed: {err}", flush=True)


i = 1000
while running and (pid_file is None or os.path.exists(pid_file)):
    ctx = SerializationContext(topic, MessageField.VALUE)
    try:
        value = serialize({"shipment_id": i, "carrier": "dhl", "eta_epoch_ms": None}, ctx)
        producer.produce(topic, value=value, on_delivery=report)
        i += 1
    except Exception as err:  # the serializer's registry lookup failed
        print(f"serialization failed: {err}", flush=True)
    producer.poll(0)
    time.sleep(0.5)
producer.flush(10)

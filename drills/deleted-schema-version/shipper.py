"""shipping-service's producer: Avro values through the registry with auto-registration OFF, as in
production. Two sends a second; every outcome is logged. Stops on SIGTERM or when its pid file goes."""

import pathlib
import time

from confluent_kafka import Producer
from confluent_kafka.schema_registry import SchemaRegistryClient
from confluent_kafka.schema_registry.avro import AvroSerializer
from confluent_kafka.serialization import MessageField, SerializationContext

from studycli.drill.service_kit import Lifetime, config_path, read_properties

settings = read_properties(config_path())
topic = settings["topic"]
schema = pathlib.Path(settings["value.schema.file"]).read_text(encoding="utf-8")
auto_register = settings.get("auto.register.schemas", "false").lower() == "true"
serialize = AvroSerializer(
    SchemaRegistryClient({"url": settings["schema.registry.url"], "timeout": 10}),
    schema,
    conf={"auto.register.schemas": auto_register},
)
producer = Producer({"bootstrap.servers": settings["bootstrap.servers"], "acks": "all"})
lifetime = Lifetime()
print(f"READY shipping-service producing to {topic}, auto.register.schemas={auto_register}", flush=True)


def report(err, msg):
    if err is None:
        print(f"sent shipment to {msg.topic()}[{msg.partition()}]@{msg.offset()}", flush=True)
    else:
        print(f"send failed: {err}", flush=True)


i = 1000
while lifetime.running():
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

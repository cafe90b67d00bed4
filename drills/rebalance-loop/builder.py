"""The report-builder service: takes report requests in batches, renders each one (400 ms of
work), writes the report, commits after the batch.

It reads its settings from a properties file and reloads them when the file changes, so the
learner fixes it by editing that file. `max.poll.records` and `topic`/`output.topic` are the
service's own settings; the rest go to the Kafka consumer as they are.
"""

import os
import sys
import time

from confluent_kafka import Consumer, KafkaError, KafkaException, Producer

from studycli.drill.service_kit import Lifetime, config_path, read_properties

RENDER_SECONDS = 0.4
SERVICE_KEYS = ("topic", "output.topic", "max.poll.records")

CONFIG = config_path()
# Run until SIGTERM, the drill ends (pid file removed) or the environment is torn down.
lifetime = Lifetime()


def read_settings():
    return read_properties(CONFIG)


def log(text):
    print(f"{time.strftime('%H:%M:%S')} {text}", flush=True)


def open_clients(settings):
    kafka = {k: v for k, v in settings.items() if k not in SERVICE_KEYS}
    kafka["enable.auto.commit"] = "false"
    consumer = Consumer(kafka)
    consumer.subscribe([settings["topic"]])
    producer = Producer({"bootstrap.servers": settings["bootstrap.servers"], "acks": "all"})
    return consumer, producer


def alive():
    return lifetime.running()


consumer = producer = None
loaded_mtime = None
batch_size = 1
while alive():
    mtime = os.stat(CONFIG).st_mtime_ns
    if mtime != loaded_mtime:
        loaded_mtime = mtime
        if consumer is not None:
            consumer.close()
            consumer = None
        try:
            settings = read_settings()
            batch_size = int(settings.get("max.poll.records", "500"))
            consumer, producer = open_clients(settings)
            log(
                f"READY configuration loaded: {', '.join(f'{k}={v}' for k, v in sorted(settings.items()) if k != 'bootstrap.servers')}"
            )
        except (KafkaException, ValueError, KeyError) as err:
            log(f"configuration rejected, waiting for a corrected file: {err}")
            consumer = None
    if consumer is None:
        time.sleep(1)
        continue
    batch = consumer.consume(num_messages=batch_size, timeout=1.0)
    records = []
    for msg in batch:
        if msg.error():
            if msg.error().code() == KafkaError._MAX_POLL_EXCEEDED:
                log("member left the group: the last batch took longer than max.poll.interval.ms; rejoining")
            else:
                log(f"consumer error: {msg.error()}")
            continue
        records.append(msg)
    if not records:
        continue
    started = time.monotonic()
    log(f"rendering {len(records)} reports")
    for msg in records:
        time.sleep(RENDER_SECONDS)
        producer.produce(settings["output.topic"], key=msg.key(), value=b"report for " + (msg.key() or b""))
        if not alive():
            break
    producer.flush(10)
    try:
        consumer.commit(asynchronous=False)
        log(f"batch of {len(records)} done in {time.monotonic() - started:.1f}s, offsets committed")
    except KafkaException as err:
        log(
            f"commit failed after {time.monotonic() - started:.1f}s ({err.args[0].name()}): the group moved on without us"
        )
if consumer is not None:
    consumer.close()
sys.exit(0)

"""The payments service's producer: one acks=all record per second, every outcome logged.

Stops when its pid file is removed or on SIGTERM.
"""

import sys
import time

from confluent_kafka import Producer

from studycli.drill.service_kit import Lifetime, config_path, read_properties

settings = read_properties(config_path())
topic = settings.pop("topic")
# Run until SIGTERM, the drill ends (pid file removed) or the environment is torn down.
lifetime = Lifetime()
producer = Producer(settings)
print(f"READY payments-producer writing to {topic} with acks={settings.get('acks')}", flush=True)


def report(err, msg):
    if err is not None:
        print(f"send failed: {err.name()}: {err.str()}", flush=True)
    else:
        print(f"sent {msg.key().decode()} to {msg.topic()}[{msg.partition()}]@{msg.offset()}", flush=True)


i = 0
while lifetime.running():
    producer.produce(topic, key=f"live-{i}".encode(), value=b'{"status": "authorized"}', on_delivery=report)
    i += 1
    producer.poll(0)
    time.sleep(1.0)
producer.flush(10)
sys.exit(0)

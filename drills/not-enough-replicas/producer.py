"""The payments service's producer: one acks=all record per second, every outcome logged.

Stops when its pid file is removed or on SIGTERM.
"""

import argparse
import os
import pathlib
import signal
import sys
import time

from confluent_kafka import Producer

parser = argparse.ArgumentParser()
parser.add_argument("--config", required=True)
args = parser.parse_args()
settings = {}
for line in pathlib.Path(args.config).read_text(encoding="utf-8").splitlines():
    line = line.strip()
    if line and not line.startswith("#") and "=" in line:
        key, value = line.split("=", 1)
        settings[key.strip()] = value.strip()
topic = settings.pop("topic")
# Run until the drill ends (pid file removed) or the environment is torn down.
pid_file = os.environ.get("DRILL_PID_FILE")
env_file = os.environ.get("DRILL_ENV_STATE")
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
producer = Producer(settings)
print(f"READY payments-producer writing to {topic} with acks={settings.get('acks')}", flush=True)


def report(err, msg):
    if err is not None:
        print(f"send failed: {err.name()}: {err.str()}", flush=True)
    else:
        print(f"sent {msg.key().decode()} to {msg.topic()}[{msg.partition()}]@{msg.offset()}", flush=True)


i = 0
while running and all(os.path.exists(path) for path in (pid_file, env_file) if path):
    producer.produce(topic, key=f"live-{i}".encode(), value=b'{"status": "authorized"}', on_delivery=report)
    i += 1
    producer.poll(0)
    time.sleep(1.0)
producer.flush(10)
sys.exit(0)

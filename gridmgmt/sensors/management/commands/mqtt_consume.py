"""``manage.py mqtt_consume``: store sensor readings from the MQTT broker until stopped.

One of the service's processes (Procfile, Procfile.serve,
deploy/gridmgmt-mqtt.service): it never exits because the broker is down
or restarts — it says so and keeps reconnecting — only on SIGTERM/SIGINT,
``--max-readings`` or ``--idle-exit``.
"""

import os
import signal

from django.core.management.base import BaseCommand

from gridmgmt.sensors.mqtt import TOPIC, MqttConsumer


class Command(BaseCommand):
    help = ("Subscribe to gridmgmt/sensors/<code>/readings and store readings in batches; "
            "bad messages are counted and named, never fatal.")

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("GRIDMGMT_MQTT_HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("GRIDMGMT_MQTT_PORT", "1883")))
        parser.add_argument("--topic", default=TOPIC)
        parser.add_argument("--client-id", default=os.environ.get("GRIDMGMT_MQTT_CLIENT_ID", "gridmgmt-sensors"),
                            help="persistent session: the broker keeps readings while the consumer is down")
        parser.add_argument("--batch-size", type=int, default=2000)
        parser.add_argument("--max-readings", type=int, help="stop after this many messages")
        parser.add_argument("--idle-exit", type=float, help="stop after this many seconds without a message")
        parser.add_argument("--report-every", type=int, default=10000, help="print counts every N messages")

    def handle(self, *args, **opts):
        consumer = MqttConsumer(host=opts["host"], port=opts["port"], topic=opts["topic"],
                                batch_size=opts["batch_size"], client_id=opts["client_id"])
        signal.signal(signal.SIGTERM, lambda *_: consumer.stop())
        signal.signal(signal.SIGINT, lambda *_: consumer.stop())
        if consumer.start():
            self.stdout.write(f"consuming {opts['topic']} from {opts['host']}:{opts['port']}")
        else:
            self.stdout.write(f"MQTT broker {opts['host']}:{opts['port']} not reachable yet; retrying "
                              f"until it is (consuming {opts['topic']} once connected)")
        seen = {"next": opts["report_every"]}

        def progress(report):
            total = report.accepted + sum(report.rejected.values())
            if total >= seen["next"]:
                self.stdout.write(report.summary())
                seen["next"] += opts["report_every"]

        report = consumer.run(max_readings=opts["max_readings"], idle_exit_s=opts["idle_exit"], on_batch=progress)
        self.stdout.write(report.summary() + (f"; readings in failed store attempts (kept, stored again) {consumer.store_failures}"
                                              if consumer.store_failures else ""))

#!/usr/bin/env bash
# Ensures the message brokers are up: Redis for Celery (the deadline job) and
# Mosquitto for the sensors' MQTT feed. Each is used where it already
# answers on its standard local port (a system service, or one this script
# started before); otherwise it is started on that port, bound to 127.0.0.1,
# keeping nothing on disk. With CELERY_BROKER_URL pointing elsewhere, Redis
# is left to that server. Installed by scripts/setup.sh.
set -euo pipefail
cd "$(dirname "$0")/.."

REDIS_PORT=6379
MQTT_PORT=1883

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# As root each broker runs as its own system user (made by its Debian package).
as_user() {
  local user=$1; shift
  if [ "$(id -u)" -eq 0 ]; then (cd / && runuser -u "$user" -- "$@"); else "$@"; fi
}

broker=${CELERY_BROKER_URL:-redis://127.0.0.1:$REDIS_PORT/0}
case "$broker" in
  redis://127.0.0.1:$REDIS_PORT/*|redis://localhost:$REDIS_PORT/*)
    if [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" != "PONG" ]; then
      if listening "$REDIS_PORT"; then
        echo "services: port $REDIS_PORT is taken by something that is not Redis; set CELERY_BROKER_URL" >&2
        exit 1
      fi
      as_user redis redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
        --save '' --appendonly no --dir /tmp --logfile '' >/dev/null
      for _ in $(seq 50); do
        [ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" = "PONG" ] && break
        sleep 0.1
      done
      echo "services: started Redis on 127.0.0.1:$REDIS_PORT"
    fi
    ;;
esac

if ! listening "$MQTT_PORT"; then
  conf=$(mktemp)
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence false\nlog_dest none\n' "$MQTT_PORT" > "$conf"
  cat deploy/mosquitto-gridmgmt.conf >> "$conf"  # the deployment's in-flight and queue limits
  chmod 644 "$conf"
  mosquitto -d -c "$conf"  # as root it drops to the mosquitto user by itself
  for _ in $(seq 50); do listening "$MQTT_PORT" && break; sleep 0.1; done
  rm -f "$conf"
  echo "services: started Mosquitto on 127.0.0.1:$MQTT_PORT"
fi

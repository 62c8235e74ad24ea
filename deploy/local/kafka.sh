#!/usr/bin/env bash
# Local single-node Apache Kafka 4 (KRaft) for development, tests, CI and the README quick start.
#
#   deploy/local/kafka.sh start|stop|status|restart
#
# start: fetches the broker jars from Maven Central once (pom.xml beside this script, cached in
#        deploy/local/.kafka/libs, git-ignored), formats a fresh data dir, starts the broker with
#        the installed Java 17, waits until it answers and records its pid. Idempotent: a broker
#        that already answers is left alone.
# stop:  stops the recorded pid (TERM, then KILL after 20 s) and removes its data dir.
#
# Environment: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default 9093),
#              KAFKA_HOME_DIR (default deploy/local/.kafka), KAFKA_HEAP (default 512m).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${KAFKA_HOME_DIR:-$here/.kafka}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
libs="$home/libs"
data="$home/data-$port"
pidfile="$home/kafka-$port.pid"
logfile="$home/kafka-$port.log"

die() { echo "kafka.sh: $*" >&2; exit 1; }

answers() { (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; }

running_pid() {
  [[ -f "$pidfile" ]] || return 1
  local pid; pid="$(cat "$pidfile")"
  kill -0 "$pid" 2>/dev/null && echo "$pid"
}

fetch_jars() {
  [[ -f "$libs/.complete" ]] && return 0
  command -v mvn >/dev/null || die "mvn is needed to fetch the Kafka jars (apt-get install maven)"
  mkdir -p "$libs"
  mvn -q -B -f "$here/pom.xml" dependency:copy-dependencies \
      -DoutputDirectory="$libs" -DincludeScope=runtime >"$home/mvn.log" 2>&1 \
      || die "fetching the Kafka jars failed; see $home/mvn.log"
  touch "$libs/.complete"
}

write_config() {
  cat >"$home/server-$port.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT
log.dirs=$data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=4
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
log.retention.hours=24
PROPS
  cat >"$home/log4j2.yaml" <<'YAML'
Configuration:
  Appenders:
    Console:
      name: STDOUT
      PatternLayout:
        pattern: "[%d] %p %m (%c)%n"
  Loggers:
    Root:
      level: WARN
      AppenderRef:
        - ref: STDOUT
    Logger:
      - name: kafka.server.KafkaRaftServer
        level: INFO
YAML
}

java_cmd() {
  java "-Xmx${KAFKA_HEAP:-512m}" "-Xms${KAFKA_HEAP:-512m}" -XX:+UseG1GC \
       -Dlog4j2.configurationFile="$home/log4j2.yaml" -cp "$libs/*" "$@"
}

start() {
  if answers; then return 0; fi
  command -v java >/dev/null || die "java 17 is needed (apt-get install openjdk-17-jre-headless)"
  mkdir -p "$home"
  fetch_jars
  write_config
  rm -rf "$data"
  java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$home/server-$port.properties" >"$home/format-$port.log" 2>&1 \
      || die "formatting $data failed; see $home/format-$port.log"
  nohup setsid bash -c "exec java -Xmx${KAFKA_HEAP:-512m} -Xms${KAFKA_HEAP:-512m} -XX:+UseG1GC \
      -Dlog4j2.configurationFile='$home/log4j2.yaml' -cp '$libs/*' kafka.Kafka '$home/server-$port.properties'" \
      >"$logfile" 2>&1 </dev/null &
  echo $! >"$pidfile"
  for _ in $(seq 1 120); do
    if answers; then return 0; fi
    kill -0 "$(cat "$pidfile")" 2>/dev/null || die "the broker exited; see $logfile"
    sleep 0.5
  done
  die "the broker did not answer on 127.0.0.1:$port within 60 s; see $logfile"
}

stop() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
  rm -rf "$data"
}

status() {
  if answers; then echo "kafka: up on 127.0.0.1:$port${pid:+ (pid $pid)}"; else echo "kafka: down"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  restart) stop; start ;;
  status) pid="$(running_pid || true)"; status ;;
  *) echo "usage: $0 start|stop|status|restart" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Local single-node Apache Kafka 4 (KRaft) for development, tests, CI and the README quick start.
#
#   deploy/local/kafka.sh start|stop|status|kill|halt|resume|restart
#
# start:   fetches the broker jars from Maven Central once (pom.xml beside this script, cached in
#          deploy/local/.kafka/libs, git-ignored), formats a fresh data dir, starts the broker
#          with the installed Java 17, waits until it answers and records its pid. Idempotent: a
#          broker that already answers is left alone.
# stop:    stops the recorded pid (TERM, then KILL after 20 s) and removes its data dir.
#
# Faults and restarts (the data dir, with its topics, offsets and transactions, is kept):
# kill:    kill -9 the broker, as a crash would.
# halt:    stops it gracefully (TERM, then KILL after 20 s).
# resume:  starts the broker again on the data dir a kill or halt left, and waits until it
#          answers; fails if there is none (use start).
# restart: halt, then resume: a rolling-upgrade style restart on the same data.
#
# Environment: KAFKA_PORT (default 9092), KAFKA_CONTROLLER_PORT (default 9093),
#              KAFKA_HOME_DIR (default deploy/local/.kafka), KAFKA_HEAP (default 512m),
#              KAFKA_EXTRA_PROPERTIES (read at start: broker properties, one key=value per
#              line, appended to the generated server properties; e.g. a test's short
#              transaction.abort.timed.out.transaction.cleanup.interval.ms).
#
# A secured listener beside the plaintext one (read at start):
#   KAFKA_SASL_PORT=9094 deploy/local/kafka.sh start
# adds SASL_SSL://127.0.0.1:$KAFKA_SASL_PORT with SCRAM-SHA-512. At start a throwaway CA and a
# broker certificate (SAN 127.0.0.1, localhost; valid 2 days) are made with openssl in
# $KAFKA_HOME_DIR/sasl-$KAFKA_PORT/, and the user KAFKA_SASL_USER (default quotewire) is created
# with Kafka's own storage tool (SCRAM credentials written at format) with the password
# KAFKA_SASL_PASSWORD (default: random, written to sasl-$KAFKA_PORT/password, mode 600).
# Clients: security.protocol=SASL_SSL, sasl.mechanism=SCRAM-SHA-512, sasl.username,
# sasl.password, ssl.ca.location=$KAFKA_HOME_DIR/sasl-$KAFKA_PORT/ca.pem.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
home="${KAFKA_HOME_DIR:-$here/.kafka}"
port="${KAFKA_PORT:-9092}"
controller_port="${KAFKA_CONTROLLER_PORT:-9093}"
libs="$home/libs"
data="$home/data-$port"
pidfile="$home/kafka-$port.pid"
logfile="$home/kafka-$port.log"
sasl_port="${KAFKA_SASL_PORT:-}"
sasl_dir="$home/sasl-$port"
sasl_user="${KAFKA_SASL_USER:-quotewire}"

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

# A throwaway CA, a broker certificate signed by it, a PEM keystore, and the user's password.
make_sasl_material() {
  command -v openssl >/dev/null || die "openssl is needed for the SASL_SSL listener (apt-get install openssl)"
  rm -rf "$sasl_dir"
  mkdir -p "$sasl_dir"
  chmod 700 "$sasl_dir"
  (
    cd "$sasl_dir"
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=quotewire local CA" \
        -keyout ca.key -out ca.pem
    openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout broker.key -out broker.csr
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >san.ext
    openssl x509 -req -in broker.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
        -extfile san.ext -out broker.pem
    openssl pkcs8 -topk8 -nocrypt -in broker.key -out broker.pk8
    cat broker.pk8 broker.pem >keystore.pem
    rm -f broker.csr broker.key broker.pk8 ca.key ca.srl san.ext
  ) >"$home/sasl-$port.log" 2>&1 || die "making the certificates failed; see $home/sasl-$port.log"
  (umask 077; printf '%s' "${KAFKA_SASL_PASSWORD:-$(openssl rand -hex 16)}" >"$sasl_dir/password")
}

write_config() {
  local listeners="PLAINTEXT://127.0.0.1:$port" protocols="PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"
  if [[ -n "$sasl_port" ]]; then
    listeners+=",SASL_SSL://127.0.0.1:$sasl_port"
    protocols+=",SASL_SSL:SASL_SSL"
  fi
  cat >"$home/server-$port.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$controller_port
listeners=$listeners,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=$listeners
controller.listener.names=CONTROLLER
listener.security.protocol.map=$protocols
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
  if [[ -n "${KAFKA_EXTRA_PROPERTIES:-}" ]]; then
    printf '%s\n' "$KAFKA_EXTRA_PROPERTIES" >>"$home/server-$port.properties"
  fi
  if [[ -n "$sasl_port" ]]; then
    cat >>"$home/server-$port.properties" <<PROPS
sasl.enabled.mechanisms=SCRAM-SHA-512
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.ssl.keystore.type=PEM
listener.name.sasl_ssl.ssl.keystore.location=$sasl_dir/keystore.pem
PROPS
  fi
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
  local scram=()
  if [[ -n "$sasl_port" ]]; then
    make_sasl_material
    scram=(--add-scram "SCRAM-SHA-512=[name=$sasl_user,password=$(cat "$sasl_dir/password")]")
  fi
  java_cmd kafka.tools.StorageTool format -t "$(java_cmd kafka.tools.StorageTool random-uuid)" \
      -c "$home/server-$port.properties" "${scram[@]}" >"$home/format-$port.log" 2>&1 \
      || die "formatting $data failed; see $home/format-$port.log"
  launch
}

resume() {
  if answers; then return 0; fi
  [[ -f "$data/meta.properties" ]] || die "no data dir to resume at $data (kill or halt keeps one; use start for a fresh broker)"
  [[ -f "$home/server-$port.properties" ]] || die "no broker config at $home/server-$port.properties; use start"
  if running_pid >/dev/null; then die "the broker process is still running but does not answer; halt or kill it first"; fi
  launch
}

# Starts the broker on the formatted data dir and waits until it answers.
launch() {
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

halt() {
  local pid
  if pid="$(running_pid)"; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  fi
  rm -f "$pidfile"
}

stop() {
  halt
  rm -rf "$data" "$sasl_dir"
}

crash() {
  local pid
  pid="$(running_pid)" || die "no broker process recorded on port $port"
  kill -KILL "$pid"
  for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
  rm -f "$pidfile"
}

status() {
  if answers; then echo "kafka: up on 127.0.0.1:$port${pid:+ (pid $pid)}"; else echo "kafka: down"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  kill) crash ;;
  halt) halt ;;
  resume) resume ;;
  restart) halt; resume ;;
  status) pid="$(running_pid || true)"; status ;;
  *) echo "usage: $0 start|stop|status|kill|halt|resume|restart" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# npm run test:containers: the Dockerfile's image and deploy/compose.yaml, for real, with podman.
#
# 1. Stand-ins for the official base images when no registry is reachable
#    (stand-in-images.sh), then `podman build` of the real Dockerfile.
# 2. In a private network namespace (veth pair: WEB_IP and TURN_IP on one end, the
#    browsers' address on the other; podman's bridges live in it too):
#    - the image alone: non-root, read-only root filesystem with no tmpfs, /healthz and the
#      image's HEALTHCHECK, the e2e smoke and chat scenarios against it, logs and day keys on
#      the volume, a graceful `podman stop`;
#    - the compose stack (podman-compose): Caddy with its local CA on WEB_IP, two Mayfly
#      replicas, Redis, coturn on TURN_IP; HTTPS, TURN over UDP and over TLS on 443 with
#      Caddy's certificate, two browsers on different replicas talking through coturn, and
#      the replicas' /metrics during that call.
# The last line is `containers: N passed, N failed`, or `containers: skipped: <why>`.
#
# Root on Linux only (rootful podman, network namespace), with podman, runc, podman-compose,
# debootstrap and a few tools (`.ci/run` installs them): elsewhere it says why and skips, so
# that the root `npm test` runs everywhere. With CI set, a missing one fails instead.
# MAYFLY_TEST_KEEP=1 leaves the stack up after a failure, for a look around.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
export CONTAINERS_CONF=$ROOT/deploy/test/containers.conf
# Everything this run creates carries its number: runs side by side (two worktrees, two people
# as root on one machine) neither remove nor retag each other's containers, volumes, networks
# or image.
RUN=${MAYFLY_TEST_RUN:-$$}
export MAYFLY_TEST_RUN=$RUN
PREFIX=mayflytest
PROJECT=$PREFIX-$RUN
IMAGE=localhost/mayfly:test-$RUN
WORK_BASE=/var/tmp/mayfly-containers-test
WORK=$WORK_BASE-$RUN
WEB_IP=10.99.0.1
BROWSER_IP=10.99.0.2
TURN_IP=10.99.0.3

log() { echo "containers: $*"; }
passed=0
pass() {
  passed=$((passed + 1))
  log "ok: $*"
}
fail() {
  log "FAILED: $*" >&2
  exit 1
}
seconds_since() { echo $(($(date +%s) - $1)); }

# Runs until `$@` succeeds, at most $timeout seconds.
wait_for() {
  local timeout=$1 what=$2
  shift 2
  local started
  started=$(date +%s)
  until "$@" >/dev/null 2>&1; do
    (($(seconds_since "$started") < timeout)) || fail "$what: not within ${timeout}s"
    sleep 1
  done
}

# Where this test cannot run (not Linux, not root, a tool missing), says why and exits 0; with
# CI set (.ci/run installs the tools), fails instead.
skip_unless_runnable() {
  local reason='' missing=() packages=() entry
  if [[ $(uname -s) != Linux ]]; then
    reason='needs Linux (rootful podman and a network namespace)'
  elif [[ $(id -u) != 0 ]]; then
    reason='needs root (rootful podman and a network namespace)'
  else
    # command:Debian package. netavark and aardvark-dns (podman's network backend and its DNS,
    # containers.conf) live in podman's own folder; Debian installs them only as recommends,
    # and netavark needs iptables.
    for entry in podman:podman runc:runc netavark:netavark aardvark-dns:aardvark-dns \
      iptables:iptables podman-compose:podman-compose debootstrap:debootstrap chromium:chromium \
      turnutils_uclient:coturn turnutils_peer:coturn openssl:openssl curl:curl \
      certutil:libnss3-tools ip:iproute2 ss:iproute2 unshare:util-linux flock:util-linux \
      pgrep:procps; do
      command -v "${entry%%:*}" >/dev/null && continue
      compgen -G "/usr/lib*/podman/${entry%%:*}" >/dev/null && continue
      missing+=("${entry%%:*}")
      [[ " ${packages[*]} " == *" ${entry#*:} "* ]] || packages+=("${entry#*:}")
    done
    ((${#missing[@]} == 0)) ||
      reason="needs ${missing[*]} (apt-get install ${packages[*]}, as .ci/run does)"
  fi
  [[ -z $reason ]] && return 0
  [[ -z ${CI:-} ]] || fail "$reason"
  log "skipped: $reason"
  exit 0
}

outside() {
  skip_unless_runnable
  local started
  started=$(date +%s)
  bash deploy/test/stand-in-images.sh
  log "base images ready in $(seconds_since "$started") s"

  started=$(date +%s)
  # Docker's image format keeps HEALTHCHECK (OCI's has none). The build reaches the npm
  # registry through the host's network; nothing else runs outside the namespace.
  podman build --quiet --format docker --network host -t "$IMAGE" . >/dev/null
  local size
  size=$(podman image inspect --format '{{.Size}}' "$IMAGE")
  log "built $IMAGE in $(seconds_since "$started") s, $((size / 1000000)) MB"

  # One run at a time inside a namespace, machine-wide: podman has one aardvark-dns (the name
  # server of every container network) and starts it in the namespace of whoever needs it
  # first; a second namespace's containers then resolve no names (seen: replicas that never
  # reach "redis"). The lock is held until this process, exec'd below, ends.
  exec 8>"$WORK_BASE.lock"
  if ! flock -n 8; then
    log 'waiting for the run of this test that is using podman now (one at a time)'
    flock -w 1800 8 || fail 'still waiting after 30 min'
  fi
  exec unshare --net -- "$0" --inside
}

network() {
  ip link set lo up
  ip link add veth0 type veth peer name veth1
  ip addr add "$WEB_IP/24" dev veth0
  ip addr add "$TURN_IP/24" dev veth0
  ip addr add "$BROWSER_IP/24" dev veth1
  ip link set veth0 up
  ip link set veth1 up
  # Browsers need a default route to gather candidates (docs/testing.md); it leads nowhere.
  ip route add default dev veth0
}

compose() { /usr/bin/python3 deploy/test/podman-compose-shim.py --project-name "$PROJECT" --file "$WORK/deploy/compose.yaml" "$@"; }

# The running containers of a compose service, by name.
service_containers() {
  podman ps --filter "label=com.docker.compose.project=$PROJECT" \
    --filter "label=com.docker.compose.service=$1" --format '{{.Names}}'
}

# True unless podman's name server runs in a network namespace other than this one.
no_foreign_name_server() {
  local pid
  for pid in $(pgrep -x aardvark-dns); do
    [[ $(readlink "/proc/$pid/ns/net") == "$(readlink /proc/self/ns/net)" ]] || return 1
  done
}

# Anonymous volumes of the compose project's containers.
anonymous_volumes() {
  local container volume
  for container in $(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT"); do
    for volume in $(podman inspect --format \
      '{{range .Mounts}}{{if eq .Type "volume"}}{{.Name}} {{end}}{{end}}' "$container"); do
      [[ $(podman volume inspect --format '{{.Anonymous}}' "$volume") == true ]] && echo "$volume"
    done
  done
  return 0
}

cleanup() {
  local status=$?
  if ((status != 0)); then
    log "$passed passed, 1 failed"
    for container in $(podman ps -a --format '{{.Names}}' | grep "^$PROJECT[-_]" || true); do
      echo "---- podman logs $container (last 40 lines)"
      podman logs --tail 40 "$container" 2>&1 || true
    done
    if [[ ${MAYFLY_TEST_KEEP:-} == 1 ]]; then
      log "MAYFLY_TEST_KEEP=1: left running; this shell's namespace ends with it"
      bash
    fi
  fi
  remove_run "$RUN"
  exit "$status"
}

# Everything run $1 created: containers (with the anonymous volumes the image's VOLUME line
# gave them), volumes, networks, its image tag (the build cache stays) and its work folder.
remove_run() {
  local run=$1 name
  for name in $(podman ps -a --format '{{.Names}}' | grep -E "^$PREFIX-$run[-_]" || true); do
    podman rm -f -v -t 0 "$name" >/dev/null 2>&1 || true
  done
  for name in $(podman volume ls --format '{{.Name}}' | grep -E "^$PREFIX-$run[-_]" || true); do
    podman volume rm -f "$name" >/dev/null 2>&1 || true
  done
  for name in $(podman network ls --format '{{.Name}}' | grep -E "^$PREFIX-$run[-_]" || true); do
    podman network rm -f "$name" >/dev/null 2>&1 || true
  done
  # The name twice: untag with no name would take every name off the image.
  podman untag "localhost/mayfly:test-$run" "localhost/mayfly:test-$run" >/dev/null 2>&1 || true
  rm -rf "$WORK_BASE-$run"
}

# What runs that were killed before cleaning up left behind: their process is gone.
remove_leftovers() {
  local name run
  local -A dead=()
  for name in $(
    podman ps -a --format '{{.Names}}'
    podman volume ls --format '{{.Name}}'
    podman network ls --format '{{.Name}}'
    podman images --format '{{.Repository}}:{{.Tag}}'
  ); do
    [[ $name =~ ^($PREFIX-|localhost/mayfly:test-)([0-9]+) ]] || continue
    run=${BASH_REMATCH[2]}
    [[ $run != "$RUN" ]] && ! kill -0 "$run" 2>/dev/null && dead[$run]=1
  done
  for run in "${!dead[@]}"; do remove_run "$run"; done
}

e2e() {
  npm test --silent -w e2e -- "$@"
}

image_checks() {
  local container=$PROJECT-image started pid
  # Host network (this namespace): the embedded TURN relay needs its relay ports. Read-only,
  # and no tmpfs either (podman adds one on /tmp by default, Docker does not).
  podman run -d --name "$container" --network host --read-only --read-only-tmpfs=false \
    -v "$PROJECT-logs:/var/lib/mayfly/logs" "$IMAGE" >/dev/null
  wait_for 90 'the image answers /healthz' curl -fsS http://127.0.0.1:3000/healthz
  pass 'the image starts and answers /healthz'

  pid=$(podman inspect --format '{{.State.Pid}}' "$container")
  [[ $(awk '/^Uid:/ { print $2 }' "/proc/$pid/status") == 1000 ]] || fail 'runs as root'
  [[ $(tr '\0' ' ' <"/proc/$pid/cmdline") == 'node --max-semi-space-size=2 server/dist/main.js ' ]] ||
    fail "PID 1 is $(tr '\0' ' ' <"/proc/$pid/cmdline"), not node"
  pass 'PID 1 is node server/dist/main.js as user node (1000)'

  [[ $(podman inspect --format '{{.HostConfig.ReadonlyRootfs}}' "$container") == true ]] ||
    fail 'root filesystem not read-only'
  if podman exec "$container" sh -c 'echo x >/tmp/probe || echo x >/app/probe' 2>/dev/null; then
    fail 'could write outside the log volume'
  fi
  pass 'read-only root filesystem, no tmpfs'

  podman healthcheck run "$container" >/dev/null || fail 'the image HEALTHCHECK fails'
  pass 'the image HEALTHCHECK passes'

  # The container and two browsers share a busy machine: chat.spec.ts took 78 s, past the
  # suite's 60 s, at a load average of 46.
  BASE_URL=http://127.0.0.1:3000 e2e --timeout=150000 tests/smoke.spec.ts tests/chat.spec.ts ||
    fail 'e2e against the image'
  pass 'e2e smoke and chat scenarios against the image'

  local logs
  logs=$(podman volume inspect --format '{{.Mountpoint}}' "$PROJECT-logs")
  compgen -G "$logs/connections-*.jsonl" >/dev/null || fail 'no metadata log on the volume'
  compgen -G "$logs/keys/*.key" >/dev/null || fail 'no day key on the volume'
  [[ $(stat -c '%u %a' "$logs"/keys/*.key | sort -u) == '1000 600' ]] || fail 'day key not 0600'
  pass 'metadata log and day key on the volume'

  # Docker's and podman's default grace, 10 s: a process still running then gets SIGKILL and
  # exit code 137. Exit code 0 is the proof that it stopped by itself in time (the wall clock
  # would also count podman's own work, seconds on a busy machine).
  started=$(date +%s)
  podman stop -t 10 "$container" >/dev/null
  local exit_code
  exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$container")
  [[ $exit_code == 0 ]] || fail "podman stop: exit code $exit_code"
  [[ $(podman logs "$container" 2>&1) == *'SIGTERM received, shutting down'* ]] ||
    fail 'no graceful shutdown in the log'
  pass "graceful on podman stop (SIGTERM, exit 0 within the 10 s grace; $(seconds_since "$started") s)"
  podman rm "$container" >/dev/null
}

# TURN over TLS on 443 with coturn's own client: an allocation, and one message relayed to an
# echo peer on the relay's address (the one private address coturn's config allows) and back.
# turnutils_uclient 4.6.1 (Debian's, like the stand-in's coturn) has two quirks that made this
# check fail or lie (docs/testing.md#containers):
# - Each TLS connection takes one of four OpenSSL contexts at random: any version, TLS 1.0
#   only, 1.1 only or 1.2 only. coturn 4.6.1 picks its context by the ClientHello's version and,
#   with no-tlsv1 and no-tlsv1_1 (our config), has none for 1.0 or 1.1: it neither answers nor
#   closes, and resets the connection 60 s later (the ECONNRESET seen). With cipher suites that
#   exist only from TLS 1.2 on (-F), the client gives those contexts up before sending anything
#   and takes another at once (its own loop).
# - Over TLS it counts every read as one message, and echoes that arrive together are read
#   together: of 10 messages it reported 4 to 9 back when all 10 were. One cannot be miscounted.
turn_over_tls_check() {
  local secret=$1 log=$WORK/uclient.log
  # Bounded: a check that fails before the kill below must not leave it running.
  timeout 300 turnutils_peer -L "$TURN_IP" -p 3480 >"$WORK/turn-peer.log" 2>&1 &
  local peer=$!
  wait_for 30 'the echo peer listens' sh -c "ss -Hlun 'sport = :3480' | grep -q ."
  timeout 120 turnutils_uclient -t -S -p 443 -F 'ECDHE+AESGCM' -W "$secret" -e "$TURN_IP" -r 3480 \
    -c -n 1 -m 1 -l 100 "$TURN_IP" >"$log" 2>&1 || true
  kill "$peer" 2>/dev/null || true
  grep -q 'tot_send_msgs=1, tot_recv_msgs=1$' "$log" || {
    tail -n 20 "$log"
    fail 'TURN over TLS on 443: the message did not come back'
  }
}

compose_checks() {
  rm -rf "$WORK" && mkdir -p "$WORK/deploy"
  # A copy: podman-compose reads .env beside the compose file, and a real deploy/.env must
  # neither leak in nor be touched.
  cp -r deploy/compose.yaml deploy/Caddyfile deploy/coturn deploy/.env.example \
    deploy/generate-secrets.sh "$WORK/deploy/"
  local env=$WORK/deploy/.env
  sh "$WORK/deploy/generate-secrets.sh" >/dev/null
  grep -Eq '^TURN_SECRET=[0-9a-f]{64}$' "$env" || fail 'generate-secrets.sh wrote no TURN_SECRET'
  local before
  before=$(grep SECRET "$env")
  sh "$WORK/deploy/generate-secrets.sh" >/dev/null
  [[ $(grep SECRET "$env") == "$before" ]] || fail 'generate-secrets.sh replaced a secret'
  pass 'generate-secrets.sh fills in secrets once and keeps them'

  # Addresses instead of names (no DNS here), and Caddy's own CA instead of Let's Encrypt.
  sed -i -e "s/^DOMAIN=.*/DOMAIN=$WEB_IP/" -e "s/^TURN_DOMAIN=.*/TURN_DOMAIN=$TURN_IP/" \
    -e "s/^WEB_IP=.*/WEB_IP=$WEB_IP/" -e "s/^TURN_IP=.*/TURN_IP=$TURN_IP/" \
    -e 's/^CADDY_GLOBAL_OPTIONS=.*/CADDY_GLOBAL_OPTIONS=local_certs/' "$env"
  echo "MAYFLY_IMAGE=$IMAGE" >>"$env"
  local secret
  secret=$(sed -n 's/^TURN_SECRET=//p' "$env")

  # An aardvark-dns still serving another namespace (podman containers of someone else's,
  # outside this test) would leave this stack's containers without names.
  wait_for 60 "podman's name server (aardvark-dns) to leave another network namespace" \
    no_foreign_name_server

  local started
  started=$(date +%s)
  compose up -d >"$WORK/compose-up.log" 2>&1 || {
    cat "$WORK/compose-up.log"
    fail 'podman-compose up'
  }
  # Every replica answers its own health check before the first request reaches Caddy: a
  # replica that refuses Caddy's first connection (still starting) is skipped for
  # fail_duration (10 s), and a stranger arriving meanwhile would land on the other one.
  local replicas
  replicas=$(service_containers mayfly)
  [[ $(wc -w <<<"$replicas") == 2 ]] || fail "replicas: $replicas"
  for replica in $replicas; do
    wait_for 120 "$replica healthy" podman healthcheck run "$replica"
  done
  wait_for 120 'Caddy serves the page' curl -fsSk "https://$WEB_IP/healthz"
  log "stack up in $(seconds_since "$started") s"
  pass 'two healthy Mayfly replicas'

  local ca=$WORK/caddy-root.crt
  podman exec "$(service_containers caddy)" cat /data/caddy/pki/authorities/local/root.crt >"$ca"
  local health page
  health=$(curl -fsS --cacert "$ca" "https://$WEB_IP/healthz") || fail 'healthz through Caddy'
  [[ $health == *'"redis":"ok"'* ]] || fail "healthz through Caddy: $health"
  page=$(curl -fsS --cacert "$ca" "https://$WEB_IP/") || fail 'no page through Caddy'
  [[ $page == *'<html'* ]] || fail 'the page through Caddy is no HTML page'
  pass 'HTTPS through Caddy: page and /healthz with Redis ok'

  # coturn starts once Caddy has the certificate for TURN_IP (run-coturn.sh waits for it).
  wait_for 120 'coturn serves TLS on 443' sh -c \
    "openssl s_client -connect $TURN_IP:443 -CAfile $ca -verify_return_error -verify_ip $TURN_IP </dev/null"
  pass "coturn serves TURN over TLS on $TURN_IP:443 with Caddy's certificate"

  TURN_SECRET=$secret npm run --silent turn-check -- --target "$TURN_IP:3478" --timeout-ms 10000 \
    >"$WORK/turn-check.log" 2>&1 || {
    cat "$WORK/turn-check.log"
    fail 'turn-check against coturn'
  }
  pass 'TURN over UDP: allocation, and the metadata address refused (turn-check)'

  turn_over_tls_check "$secret"
  pass 'TURN over TLS on 443: an allocation, and a message relayed to a peer and back (turnutils_uclient)'

  # Chromium trusts Caddy's CA from an NSS database in $HOME, Node from NODE_EXTRA_CA_CERTS.
  local home=$WORK/home
  mkdir -p "$home/.pki/nssdb"
  certutil -d "sql:$home/.pki/nssdb" -N --empty-password
  certutil -d "sql:$home/.pki/nssdb" -A -n caddy-local -t C,, -i "$ca"
  HOME=$home BASE_URL=https://$WEB_IP NODE_EXTRA_CA_CERTS=$ca E2E_COMPOSE_PROJECT=$PROJECT \
    e2e tests/compose-stack.spec.ts || fail 'e2e against the compose stack'
  pass 'two browsers on two replicas meet and talk through coturn; /metrics counts the call and names no one'

  # podman-compose 1.0.3's `down -v` removes the project's named volumes but not the anonymous
  # one the image's VOLUME line gives coturn-config (which mounts nothing there).
  local anonymous
  anonymous=$(anonymous_volumes)
  compose down -v >/dev/null 2>&1
  [[ -z $(podman ps -aq --filter "label=com.docker.compose.project=$PROJECT") ]] ||
    fail 'podman-compose down left containers'
  for volume in $anonymous; do podman volume rm "$volume" >/dev/null; done
  pass 'podman-compose down'
}

if [[ ${1:-} != --inside ]]; then
  outside
fi

started_all=$(date +%s)
network
remove_leftovers
trap cleanup EXIT
image_checks
compose_checks
log "checks took $(seconds_since "$started_all") s"
log "$passed passed, 0 failed"

#!/bin/sh
# coturn's entrypoint in deploy/compose.yaml. Waits for the configuration (written by the
# coturn-config service) and for Caddy's certificate of TURN_DOMAIN, then runs turnserver,
# which drops root for nobody once it has read both and bound its ports. As nobody it can no
# longer re-read the certificate, so when Caddy renews it this stops turnserver, and the
# container's restart policy starts it again with the new one.
set -eu

conf=/etc/coturn/turnserver.conf
certs=/caddy-data/caddy/certificates
links=/run/mayfly-turn

# Caddy keeps a certificate under its issuer's folder (Let's Encrypt, ZeroSSL, local, ...).
find_cert() {
  for file in "$certs"/*/"$TURN_DOMAIN"/"$TURN_DOMAIN".crt; do
    if [ -f "$file" ] && [ -f "${file%.crt}.key" ]; then
      echo "$file"
      return 0
    fi
  done
  return 1
}

waited=0
until [ -s "$conf" ] && cert=$(find_cert); do
  if [ $((waited % 60)) -eq 0 ]; then
    echo "run-coturn: waiting for $conf and Caddy's certificate for $TURN_DOMAIN"
  fi
  sleep 2
  waited=$((waited + 2))
done

mkdir -p "$links"
ln -sf "$cert" "$links/cert.pem"
ln -sf "${cert%.crt}.key" "$links/key.pem"
issued=$(stat -L -c %Y "$cert")

turnserver -c "$conf" --log-file=stdout --pidfile=/run/turnserver.pid --userdb=/run/turndb \
  --proc-user=nobody --proc-group=nogroup &
pid=$!
stopping=
trap 'stopping=1; kill -TERM "$pid" 2>/dev/null || true' TERM INT

while [ -z "$stopping" ] && kill -0 "$pid" 2>/dev/null; do
  sleep 30 &
  wait $! || true
  [ -z "$stopping" ] || break
  if [ "$(stat -L -c %Y "$cert" 2>/dev/null || echo gone)" != "$issued" ]; then
    echo "run-coturn: the certificate of $TURN_DOMAIN changed: restarting to read it"
    kill -TERM "$pid" 2>/dev/null || true
    break
  fi
done
status=0
wait "$pid" || status=$?
exit "$status"

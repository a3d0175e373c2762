#!/usr/bin/env bash
# Installs Mesa's lavapipe (a Vulkan driver on the CPU) from bookworm-backports, for `make test-webgpu` on a machine
# without a GPU: Dawn needs Mesa >= 25 (bookworm's Mesa 22 lacks a Vulkan feature it requires). Needs root.
set -euo pipefail
if ls /usr/share/vulkan/icd.d/lvp_icd.*.json >/dev/null 2>&1 && dpkg-query -W -f '${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q '^2[5-9]'; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "webgpu-up: Mesa >= 25 lavapipe is missing; run as root, or: apt-get install -t bookworm-backports mesa-vulkan-drivers" >&2
  exit 1
fi
. /etc/os-release
list=/etc/apt/sources.list.d/sluice-backports.list
grep -rqs "${VERSION_CODENAME}-backports" /etc/apt/sources.list /etc/apt/sources.list.d/ ||
  echo "deb http://deb.debian.org/debian ${VERSION_CODENAME}-backports main" > "$list"
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends -t "${VERSION_CODENAME}-backports" mesa-vulkan-drivers libvulkan1

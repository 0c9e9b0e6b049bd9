#!/usr/bin/env bash
# Installs Mesa's software Vulkan driver (lavapipe) so WebGPU works on a machine without a GPU.
# Debian bookworm's own Mesa 22 is too old for Dawn (no adapter); the bookworm-backports Mesa 25 works.
# We add `bookworm-backports` to the Suites: line of the Debian sources file already on the machine
# (no mirror host is written), then install from it. Needs root. Safe to run twice.
set -euo pipefail
if [ "$(id -u)" != 0 ]; then echo "run as root (sudo bash $0)" >&2; exit 1; fi
if ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -q bpo; then
  echo "lavapipe from bookworm-backports already installed"; exit 0
fi
src=/etc/apt/sources.list.d/debian.sources
if [ -f "$src" ]; then
  if ! grep -q 'bookworm-backports' "$src"; then
    sed -i '0,/^Suites: bookworm\b/s//& bookworm-backports/' "$src"
  fi
else
  echo "no $src: add bookworm-backports to your apt sources by hand, then re-run" >&2; exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers libvulkan1 >/dev/null
echo "installed: $(dpkg-query -W -f='${Package} ${Version}' mesa-vulkan-drivers)"

#!/usr/bin/env bash
# Provides a Vulkan driver that Dawn accepts (Mesa lavapipe >= 24 from
# bookworm-backports) and Debian's Chromium for the page tests.
# Idempotent: does nothing when both are already present.
set -euo pipefail

LVP_ICD=/usr/share/vulkan/icd.d/lvp_icd.json
need_lvp=1
if [ -f "$LVP_ICD" ] && dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null | grep -qE '^(2[4-9]|[3-9][0-9])\.'; then
  need_lvp=0
fi
need_chromium=1
command -v chromium >/dev/null 2>&1 && need_chromium=0

if [ $need_lvp = 0 ] && [ $need_chromium = 0 ]; then
  exit 0
fi

cmd="apt-get update && apt-get install -y -t bookworm-backports mesa-vulkan-drivers && apt-get install -y chromium"
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "plasticity: the tests need a software Vulkan driver (Mesa lavapipe >= 24) and Chromium." >&2
  echo "Run as root on Debian 12:" >&2
  echo "  bash scripts/setup-test-env.sh" >&2
  echo "which adds bookworm-backports and runs: $cmd" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
if [ ! -f /etc/apt/sources.list.d/bookworm-backports.sources ]; then
  cat > /etc/apt/sources.list.d/bookworm-backports.sources <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
apt-get update -qq
if [ $need_lvp = 1 ]; then
  apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
fi
if [ $need_chromium = 1 ]; then
  apt-get install -y -qq chromium >/dev/null
fi
echo "plasticity: test environment ready ($(dpkg-query -W -f='mesa ${Version}' mesa-vulkan-drivers), $(chromium --version 2>/dev/null))"

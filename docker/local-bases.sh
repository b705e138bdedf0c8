#!/usr/bin/env bash
# Builds the two base images the Dockerfile takes as build arguments from Debian's packages, for machines that reach
# Debian's archive and NuGet but no container registry:
#   epost-local/runtime-deps:bookworm  Debian 12 (debootstrap, minbase) with what a self-contained .NET app needs
#   epost-local/sdk:bookworm           the same with this machine's .NET SDK copied in (it restores from NuGet)
# Idempotent: an image that exists is kept (--rebuild makes them again). Prints the two build arguments.
set -euo pipefail

rebuild=no
[ "${1:-}" = "--rebuild" ] && rebuild=yes
runtime=epost-local/runtime-deps:bookworm
sdk=epost-local/sdk:bookworm
mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"

have() { docker image inspect "$1" >/dev/null 2>&1; }
need() { command -v "$1" >/dev/null || { echo "local-bases.sh: $1 is missing: apt-get install $2" >&2; exit 1; }; }
need docker docker.io
need debootstrap debootstrap
need dotnet "the .NET SDK (https://dot.net)"

if [ "$rebuild" = yes ] || ! have "$runtime" || ! have "$sdk"; then
  work="$(mktemp -d /tmp/epost-bases.XXXXXX)"
  trap 'rm -rf "$work"' EXIT
  echo "local-bases.sh: debootstrap bookworm from $mirror" >&2
  debootstrap --variant=minbase --include=ca-certificates,libssl3,zlib1g,libstdc++6,tzdata bookworm "$work/root" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; echo "local-bases.sh: debootstrap failed" >&2; exit 1; }
  rm -rf "$work/root/var/cache/apt/archives/"*.deb "$work/root/var/lib/apt/lists/"*
  # This machine's own CAs (a TLS-inspecting egress proxy's, say) go in too, or the SDK image cannot reach NuGet.
  if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
    cp /usr/local/share/ca-certificates/*.crt "$work/root/usr/local/share/ca-certificates/"
    chroot "$work/root" update-ca-certificates >/dev/null 2>&1 || { echo "local-bases.sh: update-ca-certificates failed in the image" >&2; exit 1; }
  fi
  tar -C "$work/root" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$runtime" >/dev/null
  # The SDK image: the same root with the SDK this machine runs (the one global.json accepts).
  dotnet_root="$(dirname "$(readlink -f "$(command -v dotnet)")")"
  mkdir -p "$work/root/usr/share/dotnet"
  cp -a "$dotnet_root/." "$work/root/usr/share/dotnet/"
  ln -sf /usr/share/dotnet/dotnet "$work/root/usr/bin/dotnet"
  tar -C "$work/root" -c . | docker import \
    -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    -c 'ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_ROOT=/usr/share/dotnet DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1' - "$sdk" >/dev/null
fi
echo "SDK_IMAGE=$sdk"
echo "RUNTIME_IMAGE=$runtime"

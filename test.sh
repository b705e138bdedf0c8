#!/usr/bin/env bash
# The one test command: on a fresh machine with only the .NET SDK, installs the Debian packages the second-opinion
# tests run (real mail clients and servers, listed in .ci/apt-packages), builds with warnings as errors, then runs
# `dotnet test ePost.Actors.sln`. Arguments go to dotnet test (e.g. --filter "FullyQualifiedName~Swaks").
set -euo pipefail
cd "$(dirname "$0")"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if ! command -v dotnet >/dev/null; then
  echo "test.sh: the .NET SDK is required (https://dot.net)" >&2
  exit 1
fi

missing=()
while read -r pkg; do
  pkg="${pkg%%#*}"; pkg="${pkg//[[:space:]]/}"
  [ -z "$pkg" ] && continue
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done < .ci/apt-packages

if [ ${#missing[@]} -gt 0 ]; then
  if ! command -v apt-get >/dev/null; then
    echo "test.sh: these Debian packages are missing and apt-get is not available: ${missing[*]}" >&2
    exit 1
  fi
  as_root=()
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null; then
      as_root=(sudo)
    else
      echo "test.sh: not root and no sudo; install these Debian packages first: ${missing[*]}" >&2
      exit 1
    fi
  fi
  echo "test.sh: installing ${missing[*]}" >&2
  if ! "${as_root[@]}" apt-get update -qq; then
    echo "test.sh: apt-get update failed; cannot install ${missing[*]}" >&2
    exit 1
  fi
  # One package at a time so that a failure names the package.
  for pkg in "${missing[@]}"; do
    if ! "${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg" >/dev/null; then
      echo "test.sh: failed to install Debian package $pkg" >&2
      exit 1
    fi
  done
fi

dotnet build ePost.Actors.sln -warnaserror
dotnet test ePost.Actors.sln --no-build "$@"

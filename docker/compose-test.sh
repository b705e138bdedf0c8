#!/usr/bin/env bash
# The compose ring for real: builds the image (local base images when no registry can be reached), brings the
# five-node ring of docker/compose.yaml up, and from the host with MailKit (the epost send/list commands):
#   1. alice (node1) sends to bob (node2); bob reads it over IMAP;
#   2. node2 is killed (docker kill); alice sends again, and gets 250 while bob's node is down;
#   3. node2 is started again; bob reads the second message;
# then brings it all down (containers and volumes). Last line: JSON with the phases' wall seconds.
# Needs docker (dockerd is started when it is not running and this is root), docker-compose or the compose plugin,
# debootstrap (for local bases), and the .NET SDK. Exit 0 only when every step passed.
set -euo pipefail
cd "$(dirname "$0")/.."

project=epost-compose-test
password=change-this-mail-password
start=$(date +%s)
log() { echo "compose-test: $*" >&2; }
fail() { log "FAILED: $*"; exit 1; }
elapsed() { echo $(( $(date +%s) - $1 )); }

command -v docker >/dev/null || fail "docker is missing: apt-get install docker.io"
if ! docker info >/dev/null 2>&1; then
  [ "$(id -u)" -eq 0 ] || fail "dockerd is not running and this is not root"
  command -v dockerd >/dev/null || fail "dockerd is missing: apt-get install docker.io"
  log "starting dockerd"
  (dockerd >/tmp/epost-dockerd.log 2>&1 &)
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { tail -20 /tmp/epost-dockerd.log >&2; fail "dockerd did not start"; }
fi
if docker compose version >/dev/null 2>&1; then compose=(docker compose)
elif command -v docker-compose >/dev/null; then compose=(docker-compose)
else fail "docker compose is missing: apt-get install docker-compose"; fi
compose+=(-p "$project" -f docker/compose.yaml)

# Base images: the official ones when the registry answers, else local ones from Debian's packages.
t=$(date +%s)
if [ -z "${EPOST_SDK_IMAGE:-}" ] && ! timeout 60 docker pull -q mcr.microsoft.com/dotnet/sdk:10.0 >/dev/null 2>&1; then
  log "no registry image; building local base images from Debian's packages"
  eval "$(docker/local-bases.sh | sed 's/^/export EPOST_/')"
fi
bases=$(elapsed "$t")

cleanup() {
  local code=$?
  if [ $code -ne 0 ]; then "${compose[@]}" ps >&2 || true; "${compose[@]}" logs --tail 40 >&2 || true; fi
  "${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true
  exit $code
}
trap cleanup EXIT
"${compose[@]}" down -v --remove-orphans >/dev/null 2>&1 || true

t=$(date +%s)
log "building the image"
"${compose[@]}" build >/tmp/epost-compose-build.log 2>&1 || { tail -40 /tmp/epost-compose-build.log >&2; fail "docker build failed"; }
build=$(elapsed "$t")

t=$(date +%s)
log "starting the ring"
"${compose[@]}" up -d >&2
epost=(dotnet run --no-launch-profile --project src/ePost.Node -c Release --)
dotnet build src/ePost.Node -c Release -v q >/dev/null

until_ok() { # seconds, description, command...
  local limit=$1 what=$2; shift 2
  local deadline=$(( $(date +%s) + limit ))
  until "$@" >/tmp/epost-compose-last.log 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || { cat /tmp/epost-compose-last.log >&2; fail "$what (waited $limit s)"; }
    sleep 2
  done
}
imap_has() { # port user subject
  "${epost[@]}" list --host 127.0.0.1 --imap-port "$1" --user "$2" --password "$password" --insecure | grep -q -- "$3"
}
send() { # port from to subject
  "${epost[@]}" send --host 127.0.0.1 --smtp-port "$1" --from "$2" --to "$3" --subject "$4" --text "sent by docker/compose-test.sh" --password "$password" --insecure
}
both_serve() {
  "${epost[@]}" list --host 127.0.0.1 --imap-port 12143 --user alice@ring.test --password "$password" --insecure \
    && "${epost[@]}" list --host 127.0.0.1 --imap-port 22143 --user bob@ring.test --password "$password" --insecure
}
until_ok 300 "alice's and bob's IMAP never answered" both_serve
up=$(elapsed "$t")

t=$(date +%s)
first="compose ring $(date +%s%N)"
until_ok 120 "alice's node never accepted mail for bob" send 12587 alice@ring.test bob@ring.test "$first"
until_ok 120 "bob never got alice's first message" imap_has 22143 bob@ring.test "$first"
delivered=$(elapsed "$t")

t=$(date +%s)
log "killing node2"
docker kill "$("${compose[@]}" ps -q node2)" >/dev/null
second="while node2 was down $(date +%s%N)"
until_ok 120 "alice's node did not accept mail while bob's node was down" send 12587 alice@ring.test bob@ring.test "$second"
log "starting node2 again"
"${compose[@]}" start node2 >&2
until_ok 300 "bob never got the message sent while his node was down" imap_has 22143 bob@ring.test "$second"
imap_has 22143 bob@ring.test "$first" || fail "bob's first message is gone after the restart"
recovered=$(elapsed "$t")

log "passed"
echo "{\"bases_s\": $bases, \"build_s\": $build, \"up_s\": $up, \"first_delivery_s\": $delivered, \"kill_to_delivered_s\": $recovered, \"total_s\": $(elapsed "$start")}"

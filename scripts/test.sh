#!/usr/bin/env bash
# Full test run: start real Elasticsearch + OpenSearch, run `go vet`,
# golangci-lint (scripts/lint.sh) and `go test -race`, stop the servers again.
#
#   scripts/test.sh [go test flags...]        e.g. scripts/test.sh -run Sink -v
#
# env: ASPAUDIT_TEST_PKGS  packages to vet/test (default ./...)
#      ASPAUDIT_E2E_RACE   1 (default): build the e2e binary with -race; 0: without
#      ASPAUDIT_LINT       1 (default): run scripts/lint.sh; 0: skip it
#      SEARCH_SERVERS_EXTRA  extra targets to start as well, e.g. "es9 os3"
#      (see scripts/search-servers.sh; versions via ES_VERSION / OS_VERSION ...)
# Servers that were already running before this script are reused and left
# running; the ones it starts are stopped on exit (also on failure / Ctrl-C).
set -euo pipefail

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"

servers=scripts/search-servers.sh
read -r -a targets <<<"es os ${SEARCH_SERVERS_EXTRA:-}"
read -r -a pkgs <<<"${ASPAUDIT_TEST_PKGS:-./...}"

started=()
cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	if ((${#started[@]})); then
		bash "$servers" down "${started[@]}" || true
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for t in "${targets[@]}"; do
	st=$(bash "$servers" status "$t")
	if [[ $st == "$t: running"* ]]; then
		echo "test.sh: reusing already running $t" >&2
	else
		started+=("$t")
	fi
	# Also prints ASPAUDIT_TEST_*_URL=...; a failed start exits (and cleans up).
	bash "$servers" up "$t"
done

export ASPAUDIT_TEST_ES_URL=http://127.0.0.1:9200
export ASPAUDIT_TEST_OS_URL=http://127.0.0.1:9201
for t in "${targets[@]}"; do
	case "$t" in
	es9) export ASPAUDIT_TEST_ES9_URL=http://127.0.0.1:9202 ;;
	os3) export ASPAUDIT_TEST_OS3_URL=http://127.0.0.1:9203 ;;
	esac
done

# The e2e tests build the aspaudit binary with the race detector too: race
# builds also poison released document storage (pipeline.DocBlock), so a
# document read after its batch was released shows up in what is stored.
export ASPAUDIT_E2E_RACE=${ASPAUDIT_E2E_RACE:-1}

echo "+ go vet ${pkgs[*]}" >&2
go vet "${pkgs[@]}"
if [[ ${ASPAUDIT_LINT:-1} != 0 ]]; then
	bash scripts/lint.sh
fi
echo "+ go test -race -count=1 $* ${pkgs[*]}" >&2
go test -race -count=1 "$@" "${pkgs[@]}"

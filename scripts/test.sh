#!/usr/bin/env bash
# Full test run: start real Elasticsearch + OpenSearch (+ the secured
# OpenSearch, os-secure), run `go vet`, golangci-lint (scripts/lint.sh) and
# `go test -race`, check the Helm chart (configs/helm/chartcheck), stop the
# servers again.
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
read -r -a targets <<<"es os os-secure ${SEARCH_SERVERS_EXTRA:-}"
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
	# `up` prints ASPAUDIT_TEST_*=... lines (URLs; for os-secure also the CA
	# file and the test users); a failed start exits (and cleans up).
	out=$(bash "$servers" up "$t")
	while IFS= read -r line; do
		[[ $line =~ ^(ASPAUDIT_TEST_[A-Z0-9_]+)=(.*)$ ]] || continue
		export "${BASH_REMATCH[1]}=${BASH_REMATCH[2]}"
		if [[ ${BASH_REMATCH[1]} == *PASSWORD ]]; then
			echo "${BASH_REMATCH[1]}=(set)"
		else
			echo "$line"
		fi
	done <<<"$out"
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

# The Helm chart: its own module (Helm's and Kubernetes' dependencies stay
# out of go.mod); only with the default package set.
if [[ -z ${ASPAUDIT_TEST_PKGS:-} ]]; then
	echo "+ (cd configs/helm/chartcheck && go vet ./... && go test -count=1 $* ./...)" >&2
	(cd configs/helm/chartcheck && go vet ./... && go test -count=1 "$@" ./...)
fi

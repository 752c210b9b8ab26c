#!/usr/bin/env bash
# Lint with golangci-lint (pinned below) and the checked-in .golangci.yml.
#
#   scripts/lint.sh [golangci-lint run flags...]     e.g. scripts/lint.sh --fix
#
# The binary is built once from the Go module proxy into
# $TOOLS_CACHE/golangci-lint-<version>/ (default <repo>/.cache/tools), so
# go.mod does not carry the linter's dependencies.
# env: ASPAUDIT_TEST_PKGS  packages to lint (default ./...)
#      GOLANGCI_LINT       use this binary instead (must be the pinned version)
set -euo pipefail

GOLANGCI_LINT_VERSION=v2.15.0

REPO_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO_ROOT"
TOOLS_CACHE=${TOOLS_CACHE:-$REPO_ROOT/.cache/tools}
read -r -a pkgs <<<"${ASPAUDIT_TEST_PKGS:-./...}"

bin=${GOLANGCI_LINT:-$TOOLS_CACHE/golangci-lint-$GOLANGCI_LINT_VERSION/golangci-lint}
if [[ ! -x $bin ]]; then
	echo "lint.sh: building golangci-lint $GOLANGCI_LINT_VERSION into ${bin%/*}" >&2
	mkdir -p "${bin%/*}"
	GOBIN=${bin%/*} go install \
		"github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$GOLANGCI_LINT_VERSION"
fi
echo "+ golangci-lint run $* ${pkgs[*]}" >&2
# Other checkouts on this machine may lint at the same time.
"$bin" run --allow-parallel-runners "$@" "${pkgs[@]}"

#!/usr/bin/env bash
# Compare the search sink's indexing rate with posting pre-built bulk bodies
# directly to the same server (same batch size and concurrency), on the
# servers of scripts/search-servers.sh. The sides take turns in slices of
# BENCH_SLICE requests (6 x concurrency), so that the shared machine's drifting load hits
# both alike.
#
#   scripts/bench-sink.sh [EVENTS]        (default 240000 events per side)
#
# env: BENCH_BATCH (1000) BENCH_CONCURRENCY (4) BENCH_DOC_SIZE (1200 bytes)
#      BENCH_COMPRESS (true; false sends both sides uncompressed) BENCH_SLICE
#      ASPAUDIT_TEST_ES_URL, ASPAUDIT_TEST_OS_URL (default: the script's ports)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
events=${1:-240000}
export ASPAUDIT_TEST_ES_URL=${ASPAUDIT_TEST_ES_URL:-http://127.0.0.1:9200}
export ASPAUDIT_TEST_OS_URL=${ASPAUDIT_TEST_OS_URL:-http://127.0.0.1:9201}
go test -run '^$' -bench 'BenchmarkSinkVsDirect' -benchtime "${events}x" -count 1 -timeout 60m ./sinks/search/ |
	awk '/^BenchmarkSinkVsDirect/ {
		for (i = 3; i <= NF; i++) m[$i] = $(i - 1)
		printf "%s: direct %.0f events/s, sink %.0f events/s, sink = %.1f%% of direct (median of turns %.1f%%; client CPU per event: direct %.1f us, sink %.1f us)\n",
			$1, m["direct_ev/s"], m["sink_ev/s"], m["sink_%_of_direct"], m["sink_%_of_direct_median"], m["direct_client_µs/ev"], m["sink_client_µs/ev"]
		next
	}
	{ print }'

#!/usr/bin/env bash
# Scale figure: `aspaudit run` follows PROJECTS x WORKSPACES series (50 x 20 = 1,000)
# served by cmd/atlas-fake with Atlas's per-project token bucket on (1200, +500 a minute),
# polling every BENCH_POLL seconds, into the file sink in a temporary directory, for
# BENCH_DURATION seconds; then it stops everything it started and prints:
#   - catch-up time: from start until every series is stored up to (start - pipeline.lag), as
#     aspaudit_series_covered_until_timestamp_seconds says: its first pass, the backlog, is done;
#     then the largest lag (now - covered_until) seen afterwards: lag + poll + pass duration;
#   - passes after catch-up finishing within the poll interval: a pass shows as a series'
#     covered_until moving on; it planned up to (its start - lag), so its duration is
#     (time seen - covered_until - lag), over-estimated by up to BENCH_SAMPLE + 1 seconds;
#   - peak RSS of the aspaudit process (VmHWM of /proc/PID/status; goal <= 100 MiB);
#   - Atlas requests per second per project (aspaudit_atlas_requests_total), against the
#     bucket's refill rate (500/60 s = 8.33/s), during catch-up and after;
#   - CPU time of the aspaudit process (process_cpu_seconds_total), during catch-up and after;
#   - where the memory is at the largest sample: Go heap in use, goroutine stacks, the
#     goroutine count (go_memstats_*, go_goroutines of /metrics).
# Everything listens on 127.0.0.1 (ports chosen by the system).
#
#   scripts/bench-scale.sh
#
# env: BENCH_PROJECTS (50) BENCH_WORKSPACES (20) BENCH_DURATION (300 s) BENCH_POLL (20 s)
#      BENCH_LAG (600 s, pipeline.lag) BENCH_START (24h, pipeline.start)
#      BENCH_LINES (10000 lines per workspace a week, the fake's -lines) BENCH_SAMPLE (2 s)
#      BENCH_KEEP (set: keep the temporary directory and say where)
#      BENCH_PPROF (set: serve Go profiles (ASPAUDIT_DEBUG_PPROF_LISTEN) and keep a heap and a
#      goroutine profile taken whenever the RSS reached a new high, in the kept directory)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
projects=${BENCH_PROJECTS:-50} workspaces=${BENCH_WORKSPACES:-20}
duration=${BENCH_DURATION:-300} poll=${BENCH_POLL:-20} lag=${BENCH_LAG:-600}
start=${BENCH_START:-24h} lines=${BENCH_LINES:-10000} sample=${BENCH_SAMPLE:-2}
series=$((projects * workspaces))

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bench-scale.XXXXXX")
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
	if [[ -n ${BENCH_KEEP:-} ]]; then echo "kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# waitfor FILE PATTERN SECONDS PID: waits until a line of FILE matches, or fails.
waitfor() {
	local i
	for ((i = 0; i < $3 * 10; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		kill -0 "$4" 2>/dev/null || { echo "bench-scale: process $4 ended early:" >&2; tail -5 "$1" >&2; return 1; }
		sleep 0.1
	done
	echo "bench-scale: no '$2' in $1 after $3 s" >&2
	return 1
}

go build -o "$tmp/aspaudit" ./cmd/aspaudit
go build -o "$tmp/atlas-fake" ./cmd/atlas-fake

ids=() names=()
for ((i = 1; i <= projects; i++)); do ids+=("$(printf '5ca1e0%018x' "$i")"); done
for ((i = 1; i <= workspaces; i++)); do names+=("$(printf 'ws-%02d' "$i")"); done
"$tmp/atlas-fake" -listen 127.0.0.1:0 -rate-limit atlas -lines "$lines" -days 7 \
	-projects "$(IFS=,; echo "${ids[*]}")" -workspaces "$(IFS=,; echo "${names[*]}")" >"$tmp/fake.out" 2>&1 &
pids+=($!)
waitfor "$tmp/fake.out" '^export MONGODB_ATLAS_CLIENT_SECRET=' 60 "${pids[0]}"
eval "$(grep '^export MONGODB_ATLAS_' "$tmp/fake.out")"
unset ASPAUDIT_CONFIG MONGODB_ATLAS_PUBLIC_API_KEY MONGODB_ATLAS_PRIVATE_API_KEY

# The sink is left at its default: the file sink under ./aspaudit-data, in $tmp.
{
	echo "atlas:"
	echo "  projects:"
	for id in "${ids[@]}"; do echo "    - id: $id"; done
	echo "pipeline:"
	echo "  poll_interval: ${poll}s"
	echo "  lag: ${lag}s"
	echo "  start: $start"
} >"$tmp/aspaudit.yaml"

if [[ -n ${BENCH_PPROF:-} ]]; then export ASPAUDIT_DEBUG_PPROF_LISTEN=127.0.0.1:0 BENCH_KEEP=1; fi
t0=$(date +%s.%N)
(cd "$tmp" && exec ./aspaudit run --config aspaudit.yaml --listen 127.0.0.1:0 --log-level info) >"$tmp/run.out" 2>"$tmp/run.log" &
apid=$!
pids=("$apid" "${pids[@]}") # aspaudit stops first
waitfor "$tmp/run.log" 'serving /metrics' 60 "$apid"
addr=$(grep -o '"addr":"127.0.0.1:[0-9]*"' "$tmp/run.log" | head -1 | cut -d'"' -f4)
[[ -z $addr ]] && addr=$(grep 'serving /metrics' "$tmp/run.log" | grep -o '127.0.0.1:[0-9]*' | head -1)
echo "bench-scale: $series series ($projects projects x $workspaces workspaces), poll ${poll}s, lag ${lag}s, start $start," \
	"$lines lines per workspace a week, ${duration}s; metrics at http://$addr/metrics; load: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
paddr=$(grep -o 'serving Go profiles at http://127.0.0.1:[0-9]*' "$tmp/run.log" | head -1 | cut -d/ -f3) || true
top=0

# profile: at a new RSS high, keeps the heap and goroutine profiles (BENCH_PPROF).
profile() {
	local r
	r=$(awk '/^VmRSS/ { print $2 }' "/proc/$apid/status")
	((r > top)) || return 0
	top=$r
	curl -fsS --max-time 10 -o "$tmp/heap.pb.gz" "http://$paddr/debug/pprof/heap" || true
	curl -fsS --max-time 10 -o "$tmp/goroutine.txt" "http://$paddr/debug/pprof/goroutine?debug=1" || true
	echo "$r kB at $(date +%s.%N)" >"$tmp/profile-rss"
}

# Each sample: "T time", then "C series covered_until" per series and "R requests r429 stored failed".
end=$(awk -v a="$t0" -v d="$duration" 'BEGIN { printf "%.3f", a + d }')
while awk -v n="$(date +%s.%N)" -v e="$end" 'BEGIN { exit !(n < e) }'; do
	kill -0 "$apid" 2>/dev/null || { echo "bench-scale: aspaudit ended early:" >&2; tail -5 "$tmp/run.log" >&2; exit 1; }
	now=$(date +%s.%N)
	if curl -fsS --max-time 10 "http://$addr/metrics" >"$tmp/m" 2>/dev/null; then
		awk -v t="$now" '
			BEGIN { print "T", t }
			/^aspaudit_series_covered_until_timestamp_seconds/ { print "C", $1, $2 }
			/^aspaudit_atlas_requests_total/ { req += $2; if ($1 ~ /status="429"/) r429 += $2 }
			/^aspaudit_events_total.*outcome="stored"/ { stored = $2 }
			/^aspaudit_windows_total.*result="failed"/ { failed = $2 }
			/^go_memstats_heap_inuse_bytes / { heap = $2 }
			/^go_memstats_stack_inuse_bytes / { stack = $2 }
			/^go_memstats_sys_bytes / { sys = $2 }
			/^go_goroutines / { gor = $2 }
			/^process_resident_memory_bytes / { rss = $2 }
			/^process_cpu_seconds_total / { cpu = $2 }
			END { print "R", req + 0, r429 + 0, stored + 0, failed + 0, cpu + 0; print "M", rss + 0, heap + 0, stack + 0, sys + 0, gor + 0 }' "$tmp/m" >>"$tmp/samples"
	fi
	[[ -z $paddr ]] || profile
	sleep "$sample"
done
hwm=$(awk '/^VmHWM/ { print $2 }' "/proc/$apid/status")
rss=$(awk '/^VmRSS/ { print $2 }' "/proc/$apid/status")
loadend=$(cut -d' ' -f1-3 /proc/loadavg)

awk -v t0="$t0" -v n="$series" -v np="$projects" -v poll="$poll" -v lag="$lag" -v hwm="$hwm" -v rss="$rss" -v sample="$sample" '
	function sort(a, k,   gap, i, j, v) { # shell sort (mawk has no asort)
		for (gap = int(k / 2); gap > 0; gap = int(gap / 2))
			for (i = gap + 1; i <= k; i++) {
				v = a[i]
				for (j = i; j > gap && a[j - gap] > v; j -= gap) a[j] = a[j - gap]
				a[j] = v
			}
	}
	function flush() {
		if (t == "") return
		if (caught == "" && cnt == n && mincov >= t0 - lag) { caught = t; catchlag = maxlag; req0 = req; r4290 = r429; cpu0 = cpu }
		if (caught != "" && t > caught && maxlag > worst) worst = maxlag
		last = t; reqN = req; r429N = r429; cpuN = cpu
	}
	$1 == "T" { flush(); t = $2; cnt = 0; maxlag = 0; mincov = t; next }
	$1 == "C" {
		cnt++; cov = $3 + 0; if (t - cov > maxlag) maxlag = t - cov; if (cov < mincov) mincov = cov
		if (caught != "" && ($2 in prev) && cov > prev[$2]) {
			d = t - cov - lag; passes++; if (d <= poll) within++
			ds[passes] = d
		}
		prev[$2] = cov; next
	}
	$1 == "R" { req = $2; r429 = $3; stored = $4; failed = $5; cpu = $6 }
	$1 == "M" { if ($2 > mrss) { mrss = $2; mheap = $3; mstack = $4; msys = $5; mgor = $6 } if ($6 > maxgor) maxgor = $6 }
	END {
		flush()
		if (caught == "") {
			printf "catch-up: not reached in %.0f s (last sample: %d of %d series, largest lag %.0f s, earliest coverage end %.0f s before the start - lag)\n", last - t0, cnt, n, maxlag, t0 - lag - mincov
		} else {
			printf "catch-up: %.0f s until all %d series were stored up to (start - lag), their lag then at most %.0f s; %d Atlas requests by then = %.2f/s per project (%.0f%% of the 8.33/s refill), %d answered 429\n",
				caught - t0, n, catchlag, req0, req0 / (caught - t0) / np, 100 * req0 / (caught - t0) / np / (500 / 60), r4290
			if (passes > 0) {
				sort(ds, passes)
				i95 = int(passes * 0.95); if (i95 < 1) i95 = 1
				printf "passes after catch-up: %d of %d finished within the %d s poll interval (%.1f%%); duration median %.1f s, p95 %.1f s, max %.1f s (sampled every %s s: over-estimated by up to %s s + 1 s)\n",
					within, passes, poll, 100 * within / passes, ds[int((passes + 1) / 2)], ds[i95], ds[passes], sample, sample
			} else {
				print "passes after catch-up: none seen (run longer: BENCH_DURATION)"
			}
			printf "largest lag after catch-up: %.0f s (lag %d s + poll %d s + pass duration)\n", worst, lag, poll
			if (last > caught)
				printf "Atlas requests after catch-up: %.2f/s per project over %.0f s (%.0f%% of the 8.33/s refill), %d answered 429\n",
					(reqN - req0) / (last - caught) / np, last - caught, 100 * (reqN - req0) / (last - caught) / np / (500 / 60), r429N - r4290
			if (last > caught)
				printf "aspaudit CPU: %.1f s during catch-up (%.0f%% of a core), %.1f s after it (%.0f%% of a core)\n",
					cpu0, 100 * cpu0 / (caught - t0), cpuN - cpu0, 100 * (cpuN - cpu0) / (last - caught)
		}
		printf "aspaudit peak RSS (VmHWM): %.1f MiB (goal <= 100 MiB), at the end %.1f MiB; %d events stored, %d failed window attempts\n", hwm / 1024, rss / 1024, stored, failed
		if (mrss > 0)
			printf "at the largest RSS sampled (%.1f MiB): Go heap in use %.1f MiB, goroutine stacks %.1f MiB, memory from the OS %.1f MiB, %d goroutines (most: %d)\n",
				mrss / 1048576, mheap / 1048576, mstack / 1048576, msys / 1048576, mgor, maxgor
	}' "$tmp/samples"
echo "load average at the end: $loadend on $(nproc) CPUs (other processes share the machine)"

#!/usr/bin/env bash
# Scale figure of `aspaudit run`: follows PROJECTS x WORKSPACES series (default
# 50 x 20 = 1,000) from the Atlas fake (Atlas's documented token bucket per
# project) into the file sink, polling every POLL, for DURATION, and prints:
#   - catch-up time: from start until every series' stored coverage is within
#     lag + poll interval of now (aspaudit_series_lag_seconds, sampled every 2 s);
#   - after catch-up, the share of samples in which every series stays within
#     lag + 2 poll intervals (a series whose passes finish within the poll
#     interval never exceeds it);
#   - peak RSS of the aspaudit process (VmHWM);
#   - Atlas download requests per second per project, and how many were 429.
# Everything listens on 127.0.0.1 only.
#
#   scripts/scale-run.sh   (env: PROJECTS WORKSPACES POLL DURATION LINES, CONCURRENCY: windows
#                           and Atlas requests at once, default aspaudit's 4)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
projects=${PROJECTS:-50}
workspaces=${WORKSPACES:-20}
poll=${POLL:-20s}
duration=${DURATION:-180}
lines=${LINES:-200}
concurrency=${CONCURRENCY:-4}
lag=10m

work=$(mktemp -d)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

go build -o "$work/aspaudit" ./cmd/aspaudit
go build -o "$work/atlas-fake" ./cmd/atlas-fake

ids=$(for i in $(seq 1 "$projects"); do printf '%024x,' "$((0xa000 + i))"; done)
ids=${ids%,}
names=$(for i in $(seq 1 "$workspaces"); do printf 'ws-%02d,' "$i"; done)
names=${names%,}
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
atlas_port=$(free_port)
metrics_port=$(free_port)

"$work/atlas-fake" -listen "127.0.0.1:$atlas_port" -projects "$ids" -workspaces "$names" \
	-days 1 -lines "$lines" -rate-limit atlas >"$work/fake.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 50); do curl -fs "http://127.0.0.1:$atlas_port/healthz" >/dev/null && break; sleep 0.2; done

mkdir -p "$work/run"
(
	cd "$work/run"
	exec env -i PATH="$PATH" HOME="$work" \
		MONGODB_ATLAS_BASE_URL="http://127.0.0.1:$atlas_port" \
		MONGODB_ATLAS_CLIENT_ID=mdb_sa_id_fake0000000000000000 MONGODB_ATLAS_CLIENT_SECRET=mdb_sa_sk_fakesecret \
		ASPAUDIT_ATLAS__PROJECTS="$ids" ASPAUDIT_PIPELINE__POLL_INTERVAL="$poll" ASPAUDIT_PIPELINE__LAG="$lag" \
		ASPAUDIT_PIPELINE__START=24h ASPAUDIT_PIPELINE__CONCURRENCY="$concurrency" ASPAUDIT_ATLAS__CONCURRENCY="$concurrency" \
		ASPAUDIT_LOG__LEVEL=warn ASPAUDIT_LOG__FORMAT=json \
		"$work/aspaudit" run --listen "127.0.0.1:$metrics_port"
) >"$work/run.log" 2>&1 &
run_pid=$!
pids+=($run_pid)

series=$((projects * workspaces))
poll_s=$(echo "$poll" | sed 's/s$//')
lag_s=600
start=$(date +%s.%N)
caught=""
within=0
samples=0
while :; do
	now=$(date +%s.%N)
	elapsed=$(echo "$now - $start" | bc)
	if (($(echo "$elapsed > $duration" | bc))); then break; fi
	sleep 2
	m=$(curl -fs "http://127.0.0.1:$metrics_port/metrics" || true)
	read -r n maxlag < <(echo "$m" | awk '/^aspaudit_series_lag_seconds/ {n++; if ($2 > max) max = $2} END {printf "%d %.0f\n", n, max}')
	if [[ -z $caught ]]; then
		if ((n == series)) && ((maxlag <= lag_s + poll_s)); then
			caught=$(echo "$(date +%s.%N) - $start" | bc)
			printf 'caught up after %.1f s (all %d series within lag + poll interval)\n' "$caught" "$series"
		fi
		continue
	fi
	samples=$((samples + 1))
	if ((maxlag <= lag_s + 2 * poll_s)); then within=$((within + 1)); fi
done
end=$(date +%s.%N)
m=$(curl -fs "http://127.0.0.1:$metrics_port/metrics" || true)
rss=$(awk '/VmHWM/ {print $2}' "/proc/$run_pid/status" 2>/dev/null || echo 0)
read -r ok throttled < <(echo "$m" | awk '/^aspaudit_atlas_requests_total\{endpoint="auditLogs"/ {
	if ($1 ~ /status="200"/) ok += $2; if ($1 ~ /status="429"/) t += $2 } END {printf "%d %d\n", ok, t}')
secs=$(echo "$end - $start" | bc)

echo "series: $series ($projects projects x $workspaces workspaces), $concurrency windows at once, poll interval $poll, $lines lines per workspace per day, ran ${secs%.*} s"
if [[ -z $caught ]]; then
	echo "catch-up: not reached within $duration s"
else
	printf 'catch-up: %.1f s\n' "$caught"
	if ((samples > 0)); then
		printf 'after catch-up: %d of %d samples (%.0f %%) had every series within lag + 2 poll intervals\n' "$within" "$samples" "$(echo "100 * $within / $samples" | bc -l)"
	fi
fi
printf 'peak RSS: %.1f MiB\n' "$(echo "$rss / 1024" | bc -l)"
printf 'Atlas downloads: %d answered, %d of them 429 = %.2f/s per project (refill allows 8.3/s)\n' \
	"$((ok + throttled))" "$throttled" "$(echo "($ok + $throttled) / $secs / $projects" | bc -l)"
echo "load while measuring: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min)"

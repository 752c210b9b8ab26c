#!/usr/bin/env bash
# Run real Elasticsearch / OpenSearch servers (the Maven "integ-test-zip"
# distributions) on 127.0.0.1 for aspaudit's integration tests.
#
#   scripts/search-servers.sh up|down|status [es|os|all|es9|os3 ...]
#
# See scripts/README.md for versions, ports, caches and what the zips lack.
set -euo pipefail

usage() {
	cat >&2 <<'EOF'
usage: search-servers.sh up|down|status [TARGET...]

targets: es   Elasticsearch  $ES_VERSION  (default 8.19.21)  http 9200  transport 9300
         os   OpenSearch     $OS_VERSION  (default 2.19.6)   http 9201  transport 9301
         os-secure  OpenSearch $OS_SECURE_VERSION (default 2.19.4) + security plugin,
                             https 9210  transport 9310  (prints ASPAUDIT_TEST_OS_SECURE_*)
         es9  Elasticsearch  $ES9_VERSION (default 9.2.0)    http 9202  transport 9302  (optional, Java 21+)
         os3  OpenSearch     $OS3_VERSION (default 3.6.0)    http 9203  transport 9303  (optional, Java 21+)
         all  es + os (the default)

env:     JAVA17_HOME (default /usr/lib/jvm/java-17-openjdk-amd64)  JDK for es, os
         JAVA21_HOME (default /usr/lib/jvm/temurin-25-jdk-amd64)   JDK for es9, os3
         SEARCH_SERVERS_CACHE (default <repo>/.cache/search-servers)
         SEARCH_SERVERS_USER  (default aspaudit-test; used only when run as root)
         SEARCH_SERVERS_TIMEOUT (seconds to wait for health, default 180)
EOF
	exit 2
}

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
CACHE=${SEARCH_SERVERS_CACHE:-$REPO_ROOT/.cache/search-servers}
RUN_USER=${SEARCH_SERVERS_USER:-aspaudit-test}
HEALTH_TIMEOUT=${SEARCH_SERVERS_TIMEOUT:-180}

ES_VERSION=${ES_VERSION:-8.19.21}
OS_VERSION=${OS_VERSION:-2.19.6}
ES9_VERSION=${ES9_VERSION:-9.2.0}
OS3_VERSION=${OS3_VERSION:-3.6.0}
# The security plugin is published for 2.19.4 (2.19.4.0), not for 2.19.6.
OS_SECURE_VERSION=${OS_SECURE_VERSION:-2.19.4}
JAVA17_HOME=${JAVA17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}
JAVA21_HOME=${JAVA21_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}

# shellcheck source=os-secure.sh
source "$SCRIPT_DIR/os-secure.sh"

log() { printf '%s\n' "$*" >&2; }
die() { log "search-servers: $*"; exit 1; }

# ---------------------------------------------------------------- targets --

# target_info TARGET: sets KIND VERSION HTTP_PORT TRANSPORT_PORT JAVA_DIR
# GROUP_ID URL_VAR DIST_NAME DIST_DIR RUN_DIR URL SECURE.
target_info() {
	SECURE=0
	case "$1" in
	es)  KIND=es VERSION=$ES_VERSION  HTTP_PORT=9200 TRANSPORT_PORT=9300 JAVA_DIR=$JAVA17_HOME URL_VAR=ASPAUDIT_TEST_ES_URL ;;
	os)  KIND=os VERSION=$OS_VERSION  HTTP_PORT=9201 TRANSPORT_PORT=9301 JAVA_DIR=$JAVA17_HOME URL_VAR=ASPAUDIT_TEST_OS_URL ;;
	es9) KIND=es VERSION=$ES9_VERSION HTTP_PORT=9202 TRANSPORT_PORT=9302 JAVA_DIR=$JAVA21_HOME URL_VAR=ASPAUDIT_TEST_ES9_URL ;;
	os3) KIND=os VERSION=$OS3_VERSION HTTP_PORT=9203 TRANSPORT_PORT=9303 JAVA_DIR=$JAVA21_HOME URL_VAR=ASPAUDIT_TEST_OS3_URL ;;
	os-secure) KIND=os VERSION=$OS_SECURE_VERSION HTTP_PORT=9210 TRANSPORT_PORT=9310 JAVA_DIR=$JAVA17_HOME URL_VAR=ASPAUDIT_TEST_OS_SECURE_URL SECURE=1 ;;
	*) die "unknown target '$1'" ;;
	esac
	if [[ $KIND == es ]]; then
		GROUP_ID=org.elasticsearch.distribution.integ-test-zip ARTIFACT=elasticsearch
	else
		GROUP_ID=org.opensearch.distribution.integ-test-zip ARTIFACT=opensearch
	fi
	DIST_NAME=$ARTIFACT-$VERSION
	DIST_DIR=$CACHE/dist/$DIST_NAME
	RUN_DIR=$CACHE/run/$1
	URL=http://127.0.0.1:$HTTP_PORT
	if ((SECURE)); then
		DIST_DIR=$CACHE/dist/$DIST_NAME-security
		URL=https://127.0.0.1:$HTTP_PORT
	fi
}

expand_targets() {
	local t
	[[ $# -eq 0 ]] && set -- all
	for t in "$@"; do
		case "$t" in
		all) echo es; echo os ;;
		es | os | es9 | os3 | os-secure) echo "$t" ;;
		*) usage ;;
		esac
	done
}

# ------------------------------------------------------------------ users --

as_root() { [[ $(id -u) -eq 0 ]]; }

ensure_user() {
	as_root || return 0
	if ! id -u "$RUN_USER" >/dev/null 2>&1; then
		log "creating system user $RUN_USER"
		useradd --system --create-home --shell /usr/sbin/nologin "$RUN_USER"
	fi
}

# run_as CMD...: run CMD as the unprivileged server user (or as self).
run_as() {
	if as_root; then
		runuser -u "$RUN_USER" -- "$@"
	else
		"$@"
	fi
}

# ------------------------------------------------------------- downloads --

# maven_zip GROUP:ARTIFACT:VERSION NAME: downloads the zip from Maven Central
# into $CACHE/zips/NAME.zip once (mvn puts it there as NAME.zip).
maven_zip() {
	local gav=$1 name=$2 zip=$CACHE/zips/$2.zip
	mkdir -p "$CACHE/zips"
	[[ -s $zip ]] && return
	command -v mvn >/dev/null || die "mvn not found; needed to download $name"
	log "downloading $gav:zip (mvn dependency:copy)"
	local tmp
	tmp=$(mktemp -d "$CACHE/zips/.dl.XXXXXX")
	if ! mvn -q -B -Dstyle.color=never dependency:copy \
		"-Dartifact=$gav:zip" \
		"-DoutputDirectory=$tmp" >&2; then
		rm -rf "$tmp"
		die "could not download $gav:zip"
	fi
	mv "$tmp/$name.zip" "$zip"
	rm -rf "$tmp"
}

ensure_dist() { # uses target_info globals
	local zip=$CACHE/zips/$DIST_NAME.zip dist=$DIST_DIR
	mkdir -p "$CACHE/dist"
	maven_zip "$GROUP_ID:$ARTIFACT:$VERSION" "$DIST_NAME"
	if [[ ! -x $dist/bin/$ARTIFACT ]]; then
		log "unpacking $DIST_NAME.zip"
		local tmp
		tmp=$(mktemp -d "$CACHE/dist/.unzip.XXXXXX")
		if command -v unzip >/dev/null; then
			unzip -q "$zip" -d "$tmp"
		else
			python3 -m zipfile -e "$zip" "$tmp"
			chmod -R a+rX "$tmp"
			chmod a+x "$tmp/$DIST_NAME"/bin/*
		fi
		rm -rf "$dist"
		mv "$tmp/$DIST_NAME" "$dist"
		rm -rf "$tmp"
	fi
	if ((SECURE)); then secure_install_plugin; fi
	# The distribution is only read; logs/ and plugins/ under it must still be
	# writable by the server user for some tools, so hand it over entirely.
	if as_root; then chown -R "$RUN_USER:" "$dist"; fi
}

# ---------------------------------------------------------------- process --

# server_pid: prints the server's pid if it is alive and really is ours.
server_pid() {
	local pid
	[[ -s $RUN_DIR/server.pid ]] || return 1
	pid=$(<"$RUN_DIR/server.pid")
	[[ $pid =~ ^[0-9]+$ ]] || return 1
	[[ -r /proc/$pid/cmdline ]] || return 1
	tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "$RUN_DIR/" || return 1
	echo "$pid"
}

# group_alive: whether the launcher process group is still around.
group_alive() {
	local pgid
	[[ -s $RUN_DIR/launcher.pgid ]] || return 1
	pgid=$(<"$RUN_DIR/launcher.pgid")
	[[ $pgid =~ ^[0-9]+$ ]] || return 1
	kill -0 -- "-$pgid" 2>/dev/null
}

healthy() {
	if ((SECURE)); then
		secure_healthy
		return
	fi
	curl -fsS -o /dev/null --max-time 5 \
		"$URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null
}

server_log() {
	local name=aspaudit-test-$1
	if [[ -s $RUN_DIR/logs/$name.log ]]; then
		echo "$RUN_DIR/logs/$name.log"
	else
		echo "$RUN_DIR/stdout.log"
	fi
}

show_log() {
	local f
	f=$(server_log "$1")
	log "---- last 50 lines of $f ----"
	tail -n 50 "$f" >&2 2>/dev/null || true
	if [[ $f != "$RUN_DIR/stdout.log" && -s $RUN_DIR/stdout.log ]]; then
		log "---- last 20 lines of $RUN_DIR/stdout.log ----"
		tail -n 20 "$RUN_DIR/stdout.log" >&2 || true
	fi
	log "----"
}

write_config() { # $1 = target
	local conf=$RUN_DIR/config yml
	cp -a "$DIST_DIR/config/." "$conf/"
	yml=$conf/$ARTIFACT.yml
	cat >>"$yml" <<EOF

# ---- written by scripts/search-servers.sh ----
cluster.name: aspaudit-test-$1
node.name: aspaudit-test-$1
discovery.type: single-node
network.host: 127.0.0.1
http.port: $HTTP_PORT
transport.port: $TRANSPORT_PORT
path.data: $RUN_DIR/data
path.logs: $RUN_DIR/logs
cluster.routing.allocation.disk.threshold_enabled: false
action.destructive_requires_name: false
EOF
	if [[ $KIND == es ]]; then
		# The integ-test zip ships x-pack-security, which would otherwise
		# auto-configure TLS + passwords on first start.
		echo "xpack.security.enabled: false" >>"$yml"
	elif ((SECURE)); then
		secure_write_config
	elif [[ -d $DIST_DIR/plugins/opensearch-security ]]; then
		echo "plugins.security.disabled: true" >>"$yml"
	fi
	mkdir -p "$conf/jvm.options.d"
	printf -- '-Xms512m\n-Xmx512m\n' >"$conf/jvm.options.d/aspaudit-heap.options"
}

start_one() { # $1 = target
	local t=$1 pid
	target_info "$t"

	if pid=$(server_pid); then
		if healthy; then
			log "$t: already running (pid $pid) and healthy"
			print_env
			return 0
		fi
		log "$t: already running (pid $pid), waiting for health"
		wait_healthy "$t" "$(date +%s%N)"
		print_env
		return 0
	fi
	if curl -ksS -o /dev/null --max-time 2 "$URL/" 2>/dev/null; then
		die "$t: something not started by this script already answers on $URL"
	fi
	stop_group # leftovers of a crashed run, if any

	[[ -x $JAVA_DIR/bin/java ]] || die "$t: no java at $JAVA_DIR (set JAVA17_HOME / JAVA21_HOME)"
	ensure_user
	ensure_dist

	# Fresh per-run directory: every `up` starts with empty data.
	rm -rf "$RUN_DIR"
	mkdir -p "$RUN_DIR"/{config,data,logs,tmp}
	write_config "$t"
	echo "$VERSION" >"$RUN_DIR/version"
	if as_root; then chown -R "$RUN_USER:" "$RUN_DIR"; fi
	run_as test -w "$RUN_DIR/data" ||
		die "$t: user $RUN_USER cannot reach $RUN_DIR (parent directories not traversable?); set SEARCH_SERVERS_CACHE"

	local envs=(
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
		"HOME=$RUN_DIR" "LANG=C.UTF-8"
	)
	if [[ $KIND == es ]]; then
		envs+=("ES_JAVA_HOME=$JAVA_DIR" "ES_PATH_CONF=$RUN_DIR/config" "ES_TMPDIR=$RUN_DIR/tmp")
	else
		envs+=("OPENSEARCH_JAVA_HOME=$JAVA_DIR" "OPENSEARCH_PATH_CONF=$RUN_DIR/config" "OPENSEARCH_TMPDIR=$RUN_DIR/tmp")
	fi

	log "$t: starting $DIST_NAME on $URL (java: $JAVA_DIR)"
	local t0
	t0=$(date +%s%N)
	# setsid: own session/process group, so a Ctrl-C in the caller does not
	# hit the server directly and `down` can clean up the whole group.
	(
		cd "$RUN_DIR"
		exec 9>&- # do not hand the cache lock to the server
		# shellcheck disable=SC2016 # $0/$@ expand in the inner shell
		exec setsid env -i "${envs[@]}" bash -c '
			if [ "$(id -u)" -eq 0 ]; then
				exec runuser -u "$0" -- "$@"
			else
				exec "$@"
			fi' "$RUN_USER" \
			"$DIST_DIR/bin/$ARTIFACT" -p "$RUN_DIR/server.pid" \
			</dev/null >"$RUN_DIR/stdout.log" 2>&1
	) &
	echo $! >"$RUN_DIR/launcher.pgid"
	wait_healthy "$t" "$t0"
	if ((SECURE)); then secure_provision; fi
	print_env
}

# print_env: the ASPAUDIT_TEST_* lines for the target (stdout).
print_env() {
	if ((SECURE)); then
		cat "$RUN_DIR/secure.env"
	else
		echo "$URL_VAR=$URL"
	fi
}

wait_healthy() { # $1 = target, $2 = start time (ns)
	local t=$1 t0=$2 deadline=$((SECONDS + HEALTH_TIMEOUT))
	while ((SECONDS < deadline)); do
		if healthy; then
			local ms=$((($(date +%s%N) - t0) / 1000000))
			log "$t: $DIST_NAME healthy after $((ms / 1000)).$(printf '%03d' $((ms % 1000)) | cut -c1)s"
			return 0
		fi
		if ! server_pid >/dev/null && ! group_alive; then
			log "$t: server process exited during start-up"
			show_log "$t"
			stop_group
			exit 1
		fi
		sleep 1
	done
	log "$t: not healthy after ${HEALTH_TIMEOUT}s"
	show_log "$t"
	stop_one "$t"
	exit 1
}

stop_group() {
	local pgid i
	[[ -s $RUN_DIR/launcher.pgid ]] || return 0
	pgid=$(<"$RUN_DIR/launcher.pgid")
	if [[ $pgid =~ ^[0-9]+$ ]] && kill -0 -- "-$pgid" 2>/dev/null; then
		kill -TERM -- "-$pgid" 2>/dev/null || true
		for ((i = 0; i < 50; i++)); do
			kill -0 -- "-$pgid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL -- "-$pgid" 2>/dev/null || true
	fi
	rm -f "$RUN_DIR/launcher.pgid"
}

stop_one() { # $1 = target
	local t=$1 pid i
	target_info "$t"
	if pid=$(server_pid); then
		log "$t: stopping pid $pid"
		kill -TERM "$pid" 2>/dev/null || true
		for ((i = 0; i < 150; i++)); do
			[[ -d /proc/$pid ]] || break
			sleep 0.2
		done
		if [[ -d /proc/$pid ]]; then
			log "$t: still alive after 30s, sending SIGKILL"
			kill -KILL "$pid" 2>/dev/null || true
		fi
	else
		log "$t: not running"
	fi
	stop_group
	rm -f "$RUN_DIR/server.pid"
}

status_one() { # $1 = target
	local t=$1 pid body
	target_info "$t"
	if pid=$(server_pid); then
		# GET / is absent from the Elasticsearch integ-test zip (no rest-root
		# module), so ask the nodes API for the version instead.
		local get=(curl -fsS --max-time 5)
		if ((SECURE)); then get=(secure_curl -f); fi
		if body=$("${get[@]}" "$URL/_nodes/_local?filter_path=nodes.*.version" 2>/dev/null); then
			local v h
			v=$(sed -n 's/.*"version" *: *"\([^"]*\)".*/\1/p' <<<"$body" | head -n1)
			h=$("${get[@]}" "$URL/_cluster/health" 2>/dev/null |
				sed -n 's/.*"status" *: *"\([^"]*\)".*/\1/p')
			echo "$t: running pid $pid, $ARTIFACT $v, health ${h:-?}, $URL_VAR=$URL"
		else
			echo "$t: process running (pid $pid) but $URL not answering"
		fi
	else
		echo "$t: down"
	fi
}

# ------------------------------------------------------------------- main --

[[ $# -ge 1 ]] || usage
cmd=$1
shift
mapfile -t targets < <(expand_targets "$@")

ensure_gitignore() {
	local gi=$REPO_ROOT/.gitignore line
	for line in .cache/ aspaudit-data/; do
		if ! { [[ -f $gi ]] && grep -qxF "$line" "$gi"; }; then
			if [[ -s $gi && $(tail -c1 "$gi") != "" ]]; then echo >>"$gi"; fi
			echo "$line" >>"$gi"
		fi
	done
}

# Serialise concurrent up/down calls (downloads, unpacking, start/stop).
lock() {
	mkdir -p "$CACHE"
	if command -v flock >/dev/null; then
		exec 9>"$CACHE/.lock"
		flock 9
	fi
}

case "$cmd" in
up)
	ensure_gitignore
	lock
	for t in "${targets[@]}"; do start_one "$t"; done
	;;
down)
	lock
	for t in "${targets[@]}"; do stop_one "$t"; done
	;;
status)
	for t in "${targets[@]}"; do status_one "$t"; done
	;;
*) usage ;;
esac

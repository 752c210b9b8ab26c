# shellcheck shell=bash
# The secured OpenSearch target of search-servers.sh ("os-secure"): the
# OpenSearch integ-test zip plus the opensearch-security plugin, HTTPS with a
# CA and node certificate made at every start, the admin user and aspaudit's
# least-privilege users. Sourced by search-servers.sh; see scripts/README.md.
#
# Files under run/os-secure/ (fresh at every `up`):
#   config/certs/{ca.pem,node.pem,node-key.pem}  the CA's key is deleted once it signed
#   secure.env   the ASPAUDIT_TEST_OS_SECURE_* lines (0600), printed by `up`

SECURE_ROLES_FILE=$SCRIPT_DIR/os-secure-roles.json

# secure_plugin_zip: downloads the security plugin matching $VERSION.
secure_plugin_zip() {
	local name=opensearch-security-$VERSION.0
	maven_zip "org.opensearch.plugin:opensearch-security:$VERSION.0" "$name"
	echo "$CACHE/zips/$name.zip"
}

# secure_install_plugin: installs the plugin into $DIST_DIR once.
secure_install_plugin() {
	[[ -d $DIST_DIR/plugins/opensearch-security ]] && return 0
	local zip
	zip=$(secure_plugin_zip)
	log "installing $(basename "$zip") into $(basename "$DIST_DIR")"
	local out
	if ! out=$(OPENSEARCH_JAVA_HOME=$JAVA_DIR OPENSEARCH_PATH_CONF=$DIST_DIR/config \
		"$DIST_DIR/bin/opensearch-plugin" install --batch "file://$zip" 2>&1); then
		log "$out"
		die "installing the security plugin failed"
	fi
}

# secure_password: a random password the plugin's strength check accepts.
secure_password() {
	printf 'Aa1-%s' "$(openssl rand -hex 16)"
}

# secure_certs DIR: a CA and a node certificate for 127.0.0.1 / localhost.
secure_certs() {
	local d=$1
	mkdir -p "$d"
	(
		cd "$d"
		openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 7 \
			-keyout ca-key.pem -out ca.pem -subj "/CN=aspaudit-test-ca" \
			-addext "basicConstraints=critical,CA:TRUE" \
			-addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
		# OpenSSL 3 writes the key as PKCS#8, which the plugin requires.
		openssl req -newkey rsa:2048 -nodes -sha256 -keyout node-key.pem \
			-out node.csr -subj "/CN=aspaudit-test-os-secure" 2>/dev/null
		printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost" \
			"basicConstraints=CA:FALSE" "keyUsage=digitalSignature,keyEncipherment" \
			"extendedKeyUsage=serverAuth,clientAuth" >node.ext
		openssl x509 -req -in node.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial \
			-days 7 -sha256 -extfile node.ext -out node.pem 2>/dev/null
		rm -f ca-key.pem ca.srl node.csr node.ext
	) || die "generating certificates failed"
}

# secure_write_config: TLS on both layers, the admin user only; aspaudit's
# roles and users are added over the REST API once the node is up.
secure_write_config() {
	local conf=$RUN_DIR/config admin_hash
	secure_certs "$conf/certs"
	cat >>"$conf/opensearch.yml" <<EOF
plugins.security.ssl.transport.pemcert_filepath: certs/node.pem
plugins.security.ssl.transport.pemkey_filepath: certs/node-key.pem
plugins.security.ssl.transport.pemtrustedcas_filepath: certs/ca.pem
plugins.security.ssl.transport.enforce_hostname_verification: false
plugins.security.ssl.http.enabled: true
plugins.security.ssl.http.pemcert_filepath: certs/node.pem
plugins.security.ssl.http.pemkey_filepath: certs/node-key.pem
plugins.security.ssl.http.pemtrustedcas_filepath: certs/ca.pem
plugins.security.allow_default_init_securityindex: true
plugins.security.nodes_dn: ["CN=aspaudit-test-os-secure"]
plugins.security.restapi.roles_enabled: ["all_access"]
plugins.security.audit.type: noop
plugins.security.system_indices.enabled: true
EOF
	SECURE_ADMIN_PASSWORD=$(secure_password)
	admin_hash=$(ASPAUDIT_HASH_PW=$SECURE_ADMIN_PASSWORD OPENSEARCH_JAVA_HOME=$JAVA_DIR \
		bash "$DIST_DIR/plugins/opensearch-security/tools/hash.sh" -env ASPAUDIT_HASH_PW 2>/dev/null | tail -n1)
	[[ $admin_hash == '$2'* ]] || die "hashing the admin password failed"
	cat >"$conf/opensearch-security/internal_users.yml" <<EOF
_meta:
  type: "internalusers"
  config_version: 2
admin:
  hash: "$admin_hash"
  reserved: true
  backend_roles: ["admin"]
  description: "aspaudit test admin"
EOF
	cat >"$conf/opensearch-security/roles_mapping.yml" <<'EOF'
_meta:
  type: "rolesmapping"
  config_version: 2
all_access:
  reserved: false
  backend_roles: ["admin"]
EOF
	{
		echo "ASPAUDIT_TEST_OS_SECURE_URL=$URL"
		echo "ASPAUDIT_TEST_OS_SECURE_CA_FILE=$conf/certs/ca.pem"
		echo "ASPAUDIT_TEST_OS_SECURE_ADMIN_USER=admin"
		echo "ASPAUDIT_TEST_OS_SECURE_ADMIN_PASSWORD=$SECURE_ADMIN_PASSWORD"
	} >"$RUN_DIR/secure.env"
	chmod 600 "$RUN_DIR/secure.env"
}

# secure_var NAME: a value from secure.env.
secure_var() {
	sed -n "s/^ASPAUDIT_TEST_OS_SECURE_$1=//p" "$RUN_DIR/secure.env" 2>/dev/null
}

# secure_curl ARGS...: curl as admin against the secured node.
secure_curl() {
	curl -sS --max-time 10 --cacert "$RUN_DIR/config/certs/ca.pem" \
		-u "admin:$(secure_var ADMIN_PASSWORD)" "$@"
}

# secure_api METHOD PATH [BODY]: an admin call that must succeed.
secure_api() {
	local out code
	out=$(secure_curl -X "$1" -H 'Content-Type: application/json' \
		-w '\n%{http_code}' "$URL$2" ${3:+--data-binary "$3"}) || die "$1 $2 failed"
	code=${out##*$'\n'}
	[[ $code == 2* ]] || die "$1 $2: HTTP $code: ${out%$'\n'*}"
}

# secure_provision: aspaudit's roles (os-secure-roles.json) and one user per
# role, with random passwords, appended to secure.env.
secure_provision() {
	local role body pw user var
	while IFS=$'\t' read -r role user var body; do
		secure_api PUT "/_plugins/_security/api/roles/$role" "$body"
		pw=$(secure_password)
		secure_api PUT "/_plugins/_security/api/internalusers/$user" \
			"{\"password\":\"$pw\",\"description\":\"aspaudit test user\"}"
		secure_api PUT "/_plugins/_security/api/rolesmapping/$role" "{\"users\":[\"$user\"]}"
		printf 'ASPAUDIT_TEST_OS_SECURE_%s_USER=%s\nASPAUDIT_TEST_OS_SECURE_%s_PASSWORD=%s\n' \
			"$var" "$user" "$var" "$pw" >>"$RUN_DIR/secure.env"
	done < <(python3 -c '
import json, sys
for name, r in json.load(open(sys.argv[1]))["roles"].items():
    body = {k: r[k] for k in ("cluster_permissions", "index_permissions")}
    print(name, r["user"], r["env"], json.dumps(body), sep="\t")
' "$SECURE_ROLES_FILE")
	echo "ASPAUDIT_TEST_OS_SECURE_ROLES_FILE=$SECURE_ROLES_FILE" >>"$RUN_DIR/secure.env"
}

secure_healthy() {
	[[ -s $RUN_DIR/secure.env ]] || return 1
	secure_curl -f -o /dev/null "$URL/_cluster/health?wait_for_status=yellow&timeout=1s" 2>/dev/null
}

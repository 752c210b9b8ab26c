{{/* Names and labels. */}}
{{- define "aspaudit.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "aspaudit.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "aspaudit.selectorLabels" -}}
app.kubernetes.io/name: {{ include "aspaudit.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "aspaudit.labels" -}}
{{ include "aspaudit.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- end -}}

{{- define "aspaudit.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "aspaudit.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "aspaudit.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
Secrets: a group is used when it names an existing Secret or gives a value.
aspaudit.secretName GROUP: the Secret the group's files come from.
*/}}
{{- define "aspaudit.secretUsed" -}}
{{- $g := index .root.Values.secrets .group -}}
{{- if or $g.existingSecret $g.clientSecret $g.privateKey $g.password $g.apiKey $g.pem -}}true{{- end -}}
{{- end -}}

{{- define "aspaudit.secretName" -}}
{{- $g := index .root.Values.secrets .group -}}
{{- default (printf "%s-%s" (include "aspaudit.fullname" .root) (.group | kebabcase)) $g.existingSecret -}}
{{- end -}}

{{/*
aspaudit.secretConfig: the configuration keys pointing at the mounted secret files. The only
place that knows where those keys live in aspaudit's configuration: the sink's under
sink.<config.sink.type>.
*/}}
{{- define "aspaudit.secretConfig" -}}
{{- $s := .Values.secrets -}}
{{- $dir := "/run/secrets/aspaudit" -}}
{{- $atlas := dict -}}
{{- $sink := dict -}}
{{- if include "aspaudit.secretUsed" (dict "root" . "group" "atlas") -}}
{{- if $s.atlas.clientSecretKey }}{{ $_ := set $atlas "client_secret_file" (printf "%s/atlas/%s" $dir $s.atlas.clientSecretKey) }}{{ end -}}
{{- if $s.atlas.privateKeyKey }}{{ $_ := set $atlas "private_key_file" (printf "%s/atlas/%s" $dir $s.atlas.privateKeyKey) }}{{ end -}}
{{- end -}}
{{- if include "aspaudit.secretUsed" (dict "root" . "group" "sink") -}}
{{- if $s.sink.passwordKey }}{{ $_ := set $sink "password_file" (printf "%s/sink/%s" $dir $s.sink.passwordKey) }}{{ end -}}
{{- if $s.sink.apiKeyKey }}{{ $_ := set $sink "api_key_file" (printf "%s/sink/%s" $dir $s.sink.apiKeyKey) }}{{ end -}}
{{- end -}}
{{- if include "aspaudit.secretUsed" (dict "root" . "group" "sinkCA") -}}
{{- $_ := set $sink "ca_file" (printf "%s/sink-ca/%s" $dir $s.sinkCA.key) -}}
{{- end -}}
{{- $out := dict -}}
{{- if $atlas }}{{ $_ := set $out "atlas" $atlas }}{{ end -}}
{{- if $sink }}{{ $_ := set $out "sink" (dict (.Values.config.sink.type | default "elasticsearch") $sink) }}{{ end -}}
{{- toYaml $out -}}
{{- end -}}

{{/* The pod spec shared by the Deployment, the CronJob and the Jobs; .args is aspaudit's command line. */}}
{{- define "aspaudit.podSpec" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
serviceAccountName: {{ include "aspaudit.serviceAccountName" $root }}
{{- with $v.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
securityContext:
  {{- toYaml $v.podSecurityContext | nindent 2 }}
{{- if .restartPolicy }}
restartPolicy: {{ .restartPolicy }}
{{- end }}
{{- if and .setupInit (eq $v.setup.mode "initContainer") }}
initContainers:
  - name: setup
    {{- include "aspaudit.container" (dict "root" $root "args" (list "setup")) | nindent 4 }}
{{- end }}
containers:
  - name: aspaudit
    {{- include "aspaudit.container" (dict "root" $root "args" .args "serve" .serve) | nindent 4 }}
volumes:
  - name: config
    configMap:
      name: {{ include "aspaudit.fullname" $root }}
  - name: data
    {{- if $v.persistence.enabled }}
    persistentVolumeClaim:
      claimName: {{ default (printf "%s-data" (include "aspaudit.fullname" $root)) $v.persistence.existingClaim }}
    {{- else }}
    emptyDir: {}
    {{- end }}
  - name: tmp
    emptyDir: {}
  {{- range $group, $dir := dict "atlas" "atlas" "sink" "sink" "sinkCA" "sink-ca" }}
  {{- if include "aspaudit.secretUsed" (dict "root" $root "group" $group) }}
  - name: secret-{{ $dir }}
    secret:
      secretName: {{ include "aspaudit.secretName" (dict "root" $root "group" $group) }}
      defaultMode: 0440
  {{- end }}
  {{- end }}
{{- with $v.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with $v.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}

{{/* One aspaudit container: .args, .serve (listen for /metrics, /healthz and /livez, with probes:
liveness on /livez, which fails only for a wedged engine, so that a full sink or a parked series
does not restart the pod; readiness on /healthz, which reports those too). */}}
{{- define "aspaudit.container" -}}
{{- $root := .root -}}
{{- $v := $root.Values -}}
image: {{ include "aspaudit.image" $root }}
imagePullPolicy: {{ $v.image.pullPolicy }}
args:
  {{- range .args }}
  - {{ . | quote }}
  {{- end }}
  - --config
  - /etc/aspaudit/aspaudit.yaml
  {{- if .serve }}
  - --listen
  - {{ printf ":%d" (int $v.metrics.port) | quote }}
  {{- end }}
{{- with $v.extraEnv }}
env:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- if .serve }}
ports:
  - name: metrics
    containerPort: {{ $v.metrics.port }}
    protocol: TCP
livenessProbe:
  httpGet:
    path: /livez
    port: metrics
  initialDelaySeconds: 5
  periodSeconds: 20
  failureThreshold: 3
readinessProbe:
  httpGet:
    path: /healthz
    port: metrics
  periodSeconds: 10
{{- end }}
securityContext:
  {{- toYaml $v.securityContext | nindent 2 }}
resources:
  {{- toYaml $v.resources | nindent 2 }}
volumeMounts:
  - name: config
    mountPath: /etc/aspaudit
    readOnly: true
  - name: data
    mountPath: /var/lib/aspaudit
  - name: tmp
    mountPath: /tmp
  {{- range $group, $dir := dict "atlas" "atlas" "sink" "sink" "sinkCA" "sink-ca" }}
  {{- if include "aspaudit.secretUsed" (dict "root" $root "group" $group) }}
  - name: secret-{{ $dir }}
    mountPath: /run/secrets/aspaudit/{{ $dir }}
    readOnly: true
  {{- end }}
  {{- end }}
{{- end -}}

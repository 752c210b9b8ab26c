package chartcheck

import (
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
)

// TestChartDefaults: the default values give a Deployment running
// `aspaudit run` with probes and the metrics port, its ConfigMap, Service
// and ServiceAccount, no Secret, Job or ServiceMonitor.
func TestChartDefaults(t *testing.T) {
	values := valuesFile(t, chartDir+"/values.yaml")
	lintChart(t, values)
	objs := render(t, values)
	wantKinds(t, objs, []string{"ConfigMap", "Deployment", "Service", "ServiceAccount"})
	checkPods(t, objs)
	d := only[*appsv1.Deployment](t, objs)
	if *d.Spec.Replicas != 1 || d.Spec.Strategy.Type != appsv1.RecreateDeploymentStrategyType {
		t.Errorf("deployment: %d replicas, strategy %s; want 1, Recreate", *d.Spec.Replicas, d.Spec.Strategy.Type)
	}
	c := d.Spec.Template.Spec.Containers[0]
	if !slices.Equal(c.Args, []string{"run", "--config", "/etc/aspaudit/aspaudit.yaml", "--listen", ":9090"}) {
		t.Errorf("args %q", c.Args)
	}
	// Liveness on /livez: /healthz fails for a full sink too, which a
	// restart does not mend.
	for path, p := range map[string]*corev1.Probe{"/livez": c.LivenessProbe, "/healthz": c.ReadinessProbe} {
		if p == nil || p.HTTPGet == nil || p.HTTPGet.Path != path || p.HTTPGet.Port.String() != "metrics" {
			t.Errorf("probe %+v; want GET %s on the metrics port", p, path)
		}
	}
	if len(c.Ports) != 1 || c.Ports[0].ContainerPort != 9090 {
		t.Errorf("ports %+v; want metrics 9090", c.Ports)
	}
	if got := c.Resources.Limits.Memory().String(); got != "128Mi" {
		t.Errorf("memory limit %s; want README's 128Mi", got)
	}
	init := d.Spec.Template.Spec.InitContainers
	if len(init) != 1 || init[0].Args[0] != "setup" {
		t.Errorf("init containers %+v; want one running setup", init)
	}
	checkConfigKeys(t, objs)
}

// TestChartFullExample: ci/full-values.yaml (secrets given as values, CA,
// ServiceMonitor, backfill Job, setup as a hook, a volume claim) renders
// Secrets that hold the values and a configuration that names the mounted
// files and loads in aspaudit.
func TestChartFullExample(t *testing.T) {
	values := valuesFile(t, chartDir+"/ci/full-values.yaml")
	lintChart(t, values)
	objs := render(t, values)
	wantKinds(t, objs, []string{"ConfigMap", "Deployment", "Job", "Job", "PersistentVolumeClaim",
		"Secret", "Secret", "Secret", "Service", "ServiceAccount", "ServiceMonitor"})
	checkPods(t, objs)
	cm := only[*corev1.ConfigMap](t, objs)
	for _, secret := range []string{"example-atlas-client-secret", "example-sink-password"} {
		if strings.Contains(cm.Data["aspaudit.yaml"], secret) {
			t.Errorf("the ConfigMap holds a secret value:\n%s", cm.Data["aspaudit.yaml"])
		}
	}
	if d := only[*appsv1.Deployment](t, objs); len(d.Spec.Template.Spec.InitContainers) != 0 {
		t.Error("setup.mode hook still adds an init container")
	}
	var hook, backfill *batchv1.Job
	for _, o := range objs {
		if j, ok := o.obj.(*batchv1.Job); ok {
			if j.Annotations["helm.sh/hook"] != "" {
				hook = j
			} else {
				backfill = j
			}
		}
	}
	if hook == nil || hook.Annotations["helm.sh/hook"] != "post-install,post-upgrade" || hook.Spec.Template.Spec.Containers[0].Args[0] != "setup" {
		t.Errorf("setup hook job: %+v", hook)
	}
	if backfill == nil || !slices.Equal(backfill.Spec.Template.Spec.Containers[0].Args[:5], []string{"backfill", "--from", "2026-11-01", "--to", "2026-12-01"}) {
		t.Errorf("backfill job: %+v", backfill)
	}
	// Loading reads every *_file the configuration names from where the
	// pod mounts it.
	loadConfig(t, objs)
	for _, key := range []string{"client_secret_file: /run/secrets/aspaudit/atlas/", "password_file: /run/secrets/aspaudit/sink/", "ca_file: /run/secrets/aspaudit/sink-ca/"} {
		if !strings.Contains(cm.Data["aspaudit.yaml"], key) {
			t.Errorf("the configuration lacks %q:\n%s", key, cm.Data["aspaudit.yaml"])
		}
	}
}

// TestChartCronJobWithExistingSecrets: mode cronjob runs `run --once` on
// the schedule, with no Deployment or Service; existing Secrets are
// mounted, not created.
func TestChartCronJobWithExistingSecrets(t *testing.T) {
	values := valuesFile(t, chartDir+"/values.yaml")
	values["mode"] = "cronjob"
	values["secrets"] = map[string]any{
		"atlas":  map[string]any{"existingSecret": "atlas-creds", "clientSecretKey": "secret"},
		"sink":   map[string]any{"existingSecret": "es-creds", "passwordKey": "password"},
		"sinkCA": map[string]any{"existingSecret": "es-ca", "key": "ca.crt"},
	}
	lintChart(t, values)
	objs := render(t, values)
	wantKinds(t, objs, []string{"ConfigMap", "CronJob", "ServiceAccount"})
	checkPods(t, objs)
	cj := only[*batchv1.CronJob](t, objs)
	pod := cj.Spec.JobTemplate.Spec.Template.Spec
	if !slices.Equal(pod.Containers[0].Args[:2], []string{"run", "--once"}) || cj.Spec.Schedule != "*/15 * * * *" {
		t.Errorf("cronjob: args %q schedule %q", pod.Containers[0].Args, cj.Spec.Schedule)
	}
	var secrets []string
	for _, v := range pod.Volumes {
		if v.Secret != nil {
			secrets = append(secrets, v.Secret.SecretName)
		}
	}
	slices.Sort(secrets)
	if !slices.Equal(secrets, []string{"atlas-creds", "es-ca", "es-creds"}) {
		t.Errorf("secret volumes %q", secrets)
	}
	checkConfigKeys(t, objs)
}

// TestChartREADMEValues: the values README's Kubernetes section shows lint,
// render and give a configuration aspaudit loads.
func TestChartREADMEValues(t *testing.T) {
	values := readmeValues(t)
	lintChart(t, values)
	objs := render(t, values)
	checkPods(t, objs)
	loadConfig(t, objs)
}

// wantKinds compares the rendered kinds (sorted) with want.
func wantKinds(t *testing.T, objs []rendered, want []string) {
	t.Helper()
	var got []string
	for _, o := range objs {
		got = append(got, o.kind)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Errorf("rendered %s; want kinds %q", kindsOf(objs), want)
	}
}

// only returns the one object of type T.
func only[T any](t *testing.T, objs []rendered) T {
	t.Helper()
	var found []T
	for _, o := range objs {
		if v, ok := o.obj.(T); ok {
			found = append(found, v)
		}
	}
	if len(found) != 1 {
		var zero T
		t.Fatalf("%d objects of type %T in %s; want 1", len(found), zero, kindsOf(objs))
	}
	return found[0]
}

// podSpecs returns every pod template of the rendered workloads.
func podSpecs(objs []rendered) map[string]corev1.PodSpec {
	out := map[string]corev1.PodSpec{}
	for _, o := range objs {
		switch v := o.obj.(type) {
		case *appsv1.Deployment:
			out["Deployment/"+v.Name] = v.Spec.Template.Spec
		case *batchv1.Job:
			out["Job/"+v.Name] = v.Spec.Template.Spec
		case *batchv1.CronJob:
			out["CronJob/"+v.Name] = v.Spec.JobTemplate.Spec.Template.Spec
		}
	}
	return out
}

// checkPods: every pod runs as non-root with a read-only root file system,
// no privilege escalation, no capabilities, resources set.
func checkPods(t *testing.T, objs []rendered) {
	t.Helper()
	pods := podSpecs(objs)
	if len(pods) == 0 {
		t.Fatalf("no workload in %s", kindsOf(objs))
	}
	for name, p := range pods {
		if p.SecurityContext == nil || p.SecurityContext.RunAsNonRoot == nil || !*p.SecurityContext.RunAsNonRoot {
			t.Errorf("%s: pod not runAsNonRoot", name)
		}
		for _, c := range append(slices.Clone(p.InitContainers), p.Containers...) {
			sc := c.SecurityContext
			if sc == nil || sc.ReadOnlyRootFilesystem == nil || !*sc.ReadOnlyRootFilesystem ||
				sc.AllowPrivilegeEscalation == nil || *sc.AllowPrivilegeEscalation ||
				sc.Capabilities == nil || !slices.Contains(sc.Capabilities.Drop, "ALL") {
				t.Errorf("%s/%s: security context %+v", name, c.Name, sc)
			}
			if c.Resources.Limits.Memory().IsZero() || c.Resources.Requests.Cpu().IsZero() {
				t.Errorf("%s/%s: no resources", name, c.Name)
			}
		}
	}
}

package chartcheck

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/aspaudit/aspaudit/configs"
)

const secretsDir = "/run/secrets/aspaudit"

// mainPod returns the pod of the Deployment, else of the CronJob.
func mainPod(t *testing.T, objs []rendered) corev1.PodSpec {
	t.Helper()
	for _, o := range objs {
		switch v := o.obj.(type) {
		case *appsv1.Deployment:
			return v.Spec.Template.Spec
		case *batchv1.CronJob:
			return v.Spec.JobTemplate.Spec.Template.Spec
		}
	}
	t.Fatalf("no Deployment or CronJob in %s", kindsOf(objs))
	return corev1.PodSpec{}
}

// loadConfig loads the rendered aspaudit.yaml with aspaudit's own loader,
// as the pod would see it: the Secrets the chart created are written where
// the pod mounts them (placeholders for existing Secrets), under a
// temporary root.
func loadConfig(t *testing.T, objs []rendered) configs.Config {
	t.Helper()
	cm := only[*corev1.ConfigMap](t, objs)
	secrets := map[string]*corev1.Secret{}
	for _, o := range objs {
		if s, ok := o.obj.(*corev1.Secret); ok {
			secrets[s.Name] = s
		}
	}
	root := t.TempDir()
	pod := mainPod(t, objs)
	for _, m := range pod.Containers[0].VolumeMounts {
		if !strings.HasPrefix(m.MountPath, secretsDir) {
			continue
		}
		i := slices.IndexFunc(pod.Volumes, func(v corev1.Volume) bool { return v.Name == m.Name })
		if i < 0 || pod.Volumes[i].Secret == nil {
			t.Fatalf("mount %s has no secret volume", m.MountPath)
		}
		dir := filepath.Join(root, m.MountPath)
		if err := os.MkdirAll(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		s := secrets[pod.Volumes[i].Secret.SecretName]
		if s == nil {
			continue // an existing Secret: its keys are unknown here
		}
		for k, v := range s.Data {
			if err := os.WriteFile(filepath.Join(dir, k), v, 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
	// Keys of existing Secrets: any file the configuration names that is
	// not there yet gets a placeholder.
	for _, p := range regexp.MustCompile(regexp.QuoteMeta(secretsDir)+`/\S+`).FindAllString(cm.Data["aspaudit.yaml"], -1) {
		f := filepath.Join(root, p)
		if _, err := os.Stat(f); err == nil {
			continue
		}
		if err := os.WriteFile(f, []byte("placeholder-of-an-existing-secret"), 0o600); err != nil {
			t.Fatalf("%s is not in a mounted secret directory: %v", p, err)
		}
	}
	text := strings.ReplaceAll(cm.Data["aspaudit.yaml"], secretsDir, filepath.Join(root, secretsDir))
	f := filepath.Join(root, "aspaudit.yaml")
	if err := os.WriteFile(f, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := configs.Load(configs.Sources{File: f, NeedAtlas: true})
	if err != nil {
		t.Fatalf("aspaudit does not load the rendered configuration: %v\n%s", err, cm.Data["aspaudit.yaml"])
	}
	return cfg
}

// checkConfigKeys: every key of the rendered configuration is one of
// aspaudit's (for values that are not complete enough to load).
func checkConfigKeys(t *testing.T, objs []rendered) {
	t.Helper()
	cm := only[*corev1.ConfigMap](t, objs)
	var doc map[string]any
	if err := yaml.Unmarshal([]byte(cm.Data["aspaudit.yaml"]), &doc); err != nil {
		t.Fatalf("the rendered configuration is not YAML: %v", err)
	}
	known := configs.Keys()
	var walk func(prefix string, v any)
	walk = func(prefix string, v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, e := range v {
				walk(prefix+k+".", e)
			}
		case []any:
			for _, e := range v {
				if m, ok := e.(map[string]any); ok {
					walk(strings.TrimSuffix(prefix, ".")+"[].", m)
				}
			}
			if len(v) == 0 || !isMap(v[0]) {
				key := strings.TrimSuffix(prefix, ".")
				if !slices.ContainsFunc(known, func(k string) bool { return strings.HasPrefix(k, key+"[].") }) {
					leaf(t, known, key)
				}
			}
		default:
			leaf(t, known, strings.TrimSuffix(prefix, "."))
		}
	}
	walk("", doc)
}

func isMap(v any) bool { _, ok := v.(map[string]any); return ok }

func leaf(t *testing.T, known []string, key string) {
	t.Helper()
	if !slices.Contains(known, key) {
		t.Errorf("the rendered configuration sets %s, which aspaudit does not know", key)
	}
}

package chartcheck

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	"helm.sh/helm/v3/pkg/lint"
	"helm.sh/helm/v3/pkg/lint/support"
	"sigs.k8s.io/yaml"
)

const chartDir = "../aspaudit"

// rendered is one object of a helm template run.
type rendered struct {
	source string // the template file
	kind   string
	obj    any // the decoded Kubernetes type
}

// valuesFile reads a values file.
func valuesFile(t *testing.T, path string) map[string]any {
	t.Helper()
	v, err := chartutil.ReadValuesFile(path)
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	return v.AsMap()
}

// readmeValues returns the values block of README's Kubernetes section:
// the first ```yaml block after the line "Save as values.yaml".
func readmeValues(t *testing.T) map[string]any {
	t.Helper()
	b, err := os.ReadFile("../../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)## Kubernetes.*?Save as `values.yaml`.*?```yaml\n(.*?)```").FindSubmatch(b)
	if m == nil {
		t.Fatal("README's Kubernetes section has no ```yaml block after \"Save as `values.yaml`\"")
	}
	v, err := chartutil.ReadValues(m[1])
	if err != nil {
		t.Fatalf("README's values: %v", err)
	}
	return v.AsMap()
}

// lintChart runs helm lint with the values; any message of warning level
// or above fails.
func lintChart(t *testing.T, values map[string]any) {
	t.Helper()
	l := lint.AllWithKubeVersion(chartDir, values, "aspaudit", nil)
	for _, m := range l.Messages {
		if m.Severity >= support.WarningSev {
			t.Errorf("helm lint: %s", m)
		}
	}
}

// render runs helm template with the values and decodes every object
// strictly.
func render(t *testing.T, values map[string]any) []rendered {
	t.Helper()
	ch, err := loader.Load(chartDir)
	if err != nil {
		t.Fatalf("loading the chart: %v", err)
	}
	opts := chartutil.ReleaseOptions{Name: "audit", Namespace: "aspaudit", Revision: 1, IsInstall: true}
	rv, err := chartutil.ToRenderValues(ch, values, opts, chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatalf("values: %v", err)
	}
	files, err := engine.Render(ch, rv)
	if err != nil {
		t.Fatalf("helm template: %v", err)
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var out []rendered
	for _, n := range names {
		if !strings.HasSuffix(n, ".yaml") {
			continue
		}
		for _, doc := range strings.Split(files[n], "\n---") {
			if strings.TrimSpace(doc) == "" {
				continue
			}
			out = append(out, decode(t, filepath.Base(n), doc))
		}
	}
	return out
}

// decode decodes one YAML document into its Kubernetes type, refusing
// unknown fields and unknown kinds.
func decode(t *testing.T, source, doc string) rendered {
	t.Helper()
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal([]byte(doc), &head); err != nil {
		t.Fatalf("%s: not YAML: %v\n%s", source, err, doc)
	}
	newObj, ok := kinds[head.APIVersion+"/"+head.Kind]
	if !ok {
		t.Fatalf("%s: unexpected kind %s/%s", source, head.APIVersion, head.Kind)
	}
	obj := newObj()
	if err := yaml.UnmarshalStrict([]byte(doc), obj); err != nil {
		t.Fatalf("%s: %s does not decode strictly: %v\n%s", source, head.Kind, err, doc)
	}
	return rendered{source: source, kind: head.Kind, obj: obj}
}

func kindsOf(objs []rendered) string {
	var k []string
	for _, o := range objs {
		k = append(k, fmt.Sprintf("%s(%s)", o.kind, o.source))
	}
	return strings.Join(k, " ")
}

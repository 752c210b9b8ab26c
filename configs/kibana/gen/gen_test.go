package gen

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the checked-in exports")

// exports are the checked-in files and the functions that produce them.
var exports = []struct {
	path string
	make func() ([]byte, error)
}{
	{filepath.Join("..", "aspaudit-saved-objects.ndjson"), Kibana},
	{filepath.Join("..", "..", "dashboards", "aspaudit-saved-objects.ndjson"), OpenSearchDashboards},
	{filepath.Join("..", "aspaudit-operational-saved-objects.ndjson"), KibanaOperational},
	{filepath.Join("..", "..", "dashboards", "aspaudit-operational-saved-objects.ndjson"), OpenSearchDashboardsOperational},
}

func TestExportsUpToDate(t *testing.T) {
	for _, x := range exports {
		want, err := x.make()
		if err != nil {
			t.Fatalf("generating %s: %v", x.path, err)
		}
		if *update {
			if err := os.WriteFile(x.path, want, 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(x.path)
		if err != nil {
			t.Fatalf("%v (run go generate ./configs/kibana)", err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s is out of date with the catalog: run go generate ./configs/kibana", x.path)
		}
	}
}

func TestGenerationIsDeterministic(t *testing.T) {
	for _, x := range exports {
		a, errA := x.make()
		b, errB := x.make()
		if errA != nil || errB != nil {
			t.Fatalf("generating: %v %v", errA, errB)
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two generations differ", x.path)
		}
	}
}

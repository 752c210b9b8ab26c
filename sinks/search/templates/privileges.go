package templates

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// privileges returns the Elasticsearch privileges aspaudit needs for the
// layout: cluster-wide and on the layout's indices.
func privileges(l Layout, cfg Config, lc Lifecycle) (cluster, index []string) {
	cluster = []string{"monitor", "manage_index_templates"}
	index = []string{"create_doc", "create_index", "view_index_metadata"}
	if cfg.Retention > 0 {
		index = append(index, "delete_index")
		if lc == ILM {
			cluster = append(cluster, "manage_ilm")
			// Attaching the policy updates index settings.
			index = append(index, "manage")
		}
	}
	return cluster, index
}

// hasPrivileges is the answer of _has_privileges.
type hasPrivileges struct {
	HasAll  bool                       `json:"has_all_requested"`
	Cluster map[string]bool            `json:"cluster"`
	Index   map[string]map[string]bool `json:"index"`
}

// checkPrivileges asks Elasticsearch whether the credentials have what
// aspaudit needs. OpenSearch's security plugin has no such API: there the
// first refused request tells.
func checkPrivileges(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config, lc Lifecycle, res *CheckResult) error {
	if srv.Flavor != conn.Elasticsearch {
		res.Notes = append(res.Notes, "privileges are not checked on OpenSearch: a missing permission shows as a refused request")
		return nil
	}
	cluster, index := privileges(l, cfg, lc)
	body := map[string]any{
		"cluster": cluster,
		"index":   []any{map[string]any{"names": []string{l.Pattern()}, "privileges": index}},
	}
	a, err := call(ctx, tp, http.MethodPost, "/_security/user/_has_privileges", nil, body)
	if err != nil {
		return err
	}
	if a.NoHandler() {
		res.Notes = append(res.Notes, "the cluster's security feature is off: privileges not checked")
		return nil
	}
	if err := a.Err(); err != nil {
		return refused(err, res, "cannot check privileges")
	}
	var got hasPrivileges
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return fmt.Errorf("decoding _has_privileges: %w", err)
	}
	if missing := got.missing(); len(missing) > 0 {
		res.Problems = append(res.Problems, "the credentials lack privileges: "+strings.Join(missing, ", "))
	}
	return nil
}

// missing lists the privileges not held, as "cluster:x" and "pattern:y".
func (h hasPrivileges) missing() []string {
	var out []string
	for p, ok := range h.Cluster {
		if !ok {
			out = append(out, "cluster:"+p)
		}
	}
	for names, privs := range h.Index {
		for p, ok := range privs {
			if !ok {
				out = append(out, names+":"+p)
			}
		}
	}
	slices.Sort(out)
	return out
}

package state

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// Check reports, without writing anything, whether aspaudit can keep its
// state in the cluster: on Elasticsearch with security on, whether the
// credentials hold the privileges the state and dead-letter indices need;
// everywhere, whether the state index can be read. The error is set only
// when the cluster could not be asked; refusals are problems.
func Check(ctx context.Context, tp esapi.Transport, srv conn.Server, cfg Config) (problems []string, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, pipeline.Permanent(err)
	}
	if srv.Flavor == conn.Elasticsearch {
		if problems, err = checkPrivileges(ctx, tp, cfg); err != nil {
			return problems, err
		}
	}
	a, err := call(ctx, tp, http.MethodGet, "/"+cfg.StateIndex+"/_doc/aspaudit-check", nil, nil)
	if err != nil {
		return problems, err
	}
	if a.Status != http.StatusNotFound {
		if err := a.Err(); err != nil {
			if !pipeline.IsPermanent(err) {
				return problems, err
			}
			problems = append(problems, fmt.Sprintf("cannot read the state index %s: %v", cfg.StateIndex, err))
		}
	}
	return problems, nil
}

// checkPrivileges asks _has_privileges about the state indices. With
// security off (no such API) there is nothing to check.
func checkPrivileges(ctx context.Context, tp esapi.Transport, cfg Config) ([]string, error) {
	need := []any{map[string]any{"names": []string{cfg.StateIndex}, "privileges": []string{"read", "index", "create_index"}}}
	if cfg.DeadLetterIndex != "" {
		need = append(need, map[string]any{"names": []string{cfg.DeadLetterIndex}, "privileges": []string{"index", "create_index"}})
	}
	a, err := call(ctx, tp, http.MethodPost, "/_security/user/_has_privileges", nil, map[string]any{"index": need})
	if err != nil {
		return nil, err
	}
	if a.NoHandler() {
		return nil, nil
	}
	if err := a.Err(); err != nil {
		if pipeline.IsPermanent(err) {
			return []string{fmt.Sprintf("cannot check privileges on the state indices: %v", err)}, nil
		}
		return nil, err
	}
	var got struct {
		Index map[string]map[string]bool `json:"index"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return nil, fmt.Errorf("decoding _has_privileges: %w", err)
	}
	var missing []string
	for index, privs := range got.Index {
		for p, ok := range privs {
			if !ok {
				missing = append(missing, index+":"+p)
			}
		}
	}
	if len(missing) == 0 {
		return nil, nil
	}
	slices.Sort(missing)
	return []string{"the credentials lack privileges on aspaudit's state indices: " + strings.Join(missing, ", ")}, nil
}

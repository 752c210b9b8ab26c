package state_test

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/searchtest"
	"github.com/aspaudit/aspaudit/sinks/search/state"
	"github.com/aspaudit/aspaudit/sinks/sinktest"
)

func newLeaseStore(t *testing.T, c cluster, index string) *state.LeaseStore {
	t.Helper()
	cfg := state.NewDefaultConfig()
	cfg.StateIndex = index
	st, err := state.NewLeaseStore(c.client, cfg)
	if err != nil {
		t.Fatalf("NewLeaseStore: %v", err)
	}
	return st
}

// TestLeaseStoreConformance runs the lease suite on the real servers, the
// races between stores with clients of their own, as replicas are.
func TestLeaseStoreConformance(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		var mu sync.Mutex
		indexOf := map[pipeline.LeaseStore]string{}
		sinktest.RunLeaseSuite(t, func(t *testing.T) pipeline.LeaseStore {
			index := freshIndex(t, c, "aspaudit-lease-test-")
			st := newLeaseStore(t, c, index)
			mu.Lock()
			indexOf[st] = index
			mu.Unlock()
			return st
		}, sinktest.LeaseOptions{
			Reopen: func(t *testing.T, s pipeline.LeaseStore) pipeline.LeaseStore {
				mu.Lock()
				index := indexOf[s]
				mu.Unlock()
				return newLeaseStore(t, cluster{url: c.url, client: newClient(t, c.url)}, index)
			},
		})
	})
}

// oldStateMapping is the state index's mapping before leases existed.
const oldStateMapping = `{"settings":{"index.number_of_shards":1,"index.hidden":true},"mappings":{"dynamic":"strict","properties":{
"series":{"properties":{"project_id":{"type":"keyword"},"workspace":{"type":"keyword"},"processor":{"type":"keyword"}}},
"ranges":{"type":"object","enabled":false},"covered_until":{"type":"date"},"updated":{"type":"date"}}}}`

// TestLeasesInAnOlderStateIndex: a state index created before leases (its
// strict mapping lacks them) gets the lease fields, and its checkpoints
// stay readable and writable.
func TestLeasesInAnOlderStateIndex(t *testing.T) {
	forEachCluster(t, func(t *testing.T, c cluster) {
		ctx := testCtx(t)
		index := freshIndex(t, c, "aspaudit-lease-test-")
		searchtest.MustDo(t, http.MethodPut, c.url, "/"+index, oldStateMapping)
		series := pipeline.Series{ProjectID: "32b6e34b3d91647abb20e7b8", Workspace: "ws-a"}
		r := pipeline.Range{Start: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), End: time.Date(2026, 11, 1, 6, 0, 0, 0, time.UTC)}
		cp := newStore(t, c, index)
		if err := cp.MarkStored(ctx, series, r); err != nil {
			t.Fatalf("checkpoint in the old index: %v", err)
		}
		// The old mapping refuses a lease document: the store adds the fields.
		leases := newLeaseStore(t, c, index)
		l, err := leases.WriteLease(ctx, pipeline.Lease{Project: series.ProjectID, Holder: "r1", Expires: r.End, Renewed: r.Start})
		if err != nil {
			t.Fatalf("lease in the old index: %v", err)
		}
		if _, err := leases.WriteMembers(ctx, pipeline.Members{Expires: map[string]time.Time{"r1": r.End}}); err != nil {
			t.Fatalf("members in the old index: %v", err)
		}
		mapping := string(searchtest.MustDo(t, http.MethodGet, c.url, "/"+index+"/_mapping", ""))
		for _, field := range []string{`"lease"`, `"holder"`, `"members"`, `"strict"`} {
			if !strings.Contains(mapping, field) {
				t.Errorf("the mapping lacks %s: %s", field, mapping)
			}
		}
		r2 := pipeline.Range{Start: r.End, End: r.End.Add(6 * time.Hour)}
		if err := newStore(t, c, index).MarkStored(ctx, series, r2); err != nil {
			t.Fatal(err)
		}
		cov, err := cp.Coverage(ctx, series)
		if err != nil || len(cov) != 1 || cov[0] != (pipeline.Range{Start: r.Start, End: r2.End}) {
			t.Errorf("coverage = %v, %v; want the two ranges merged", cov, err)
		}
		if got, err := leases.Lease(ctx, series.ProjectID); err != nil || got.Version != l.Version || got.Holder != "r1" {
			t.Errorf("lease read back %+v, %v", got, err)
		}
	})
}

package state

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// stateMapping maps checkpoint and lease documents. The ranges are kept, not
// indexed: they are only read back by id.
var stateMapping = map[string]any{
	"dynamic": "strict",
	"properties": map[string]any{
		"series": map[string]any{"properties": map[string]any{
			"project_id": map[string]any{"type": "keyword"},
			"workspace":  map[string]any{"type": "keyword"},
			"processor":  map[string]any{"type": "keyword"},
		}},
		"ranges":        map[string]any{"type": "object", "enabled": false},
		"covered_until": map[string]any{"type": "date"},
		"updated":       map[string]any{"type": "date"},
		// The replicas' leases (lease.go); EnsureIndex of LeaseStore adds
		// them to indices created before.
		"lease":   leaseMapping["lease"],
		"members": leaseMapping["members"],
	},
}

// deadLetterMapping maps dead letters: searchable by reason, status and
// event id, the refused document kept unindexed (as text, or base64 when
// it is not valid UTF-8).
var deadLetterMapping = map[string]any{
	"dynamic": "strict",
	"properties": map[string]any{
		"@timestamp":    map[string]any{"type": "date"},
		"event_id":      map[string]any{"type": "keyword"},
		"event_time":    map[string]any{"type": "date"},
		"parse_failure": map[string]any{"type": "boolean"},
		"status":        map[string]any{"type": "integer"},
		"reason": map[string]any{"type": "text", "fields": map[string]any{
			"keyword": map[string]any{"type": "keyword", "ignore_above": 1024},
		}},
		"document":        map[string]any{"type": "keyword", "index": false, "doc_values": false},
		"document_base64": map[string]any{"type": "binary"},
	},
}

// indexBody returns the create-index request of a state index: one
// shard, a replica when the cluster has a second node.
func indexBody(mapping map[string]any, hidden bool) map[string]any {
	return map[string]any{
		"settings": map[string]any{
			"index.number_of_shards":     1,
			"index.auto_expand_replicas": "0-1",
			"index.hidden":               hidden,
		},
		"mappings": mapping,
	}
}

// indexCreator creates an index with its mapping once per process; after a
// failure the next call tries again.
type indexCreator struct {
	name   string
	body   map[string]any
	mu     sync.Mutex
	exists bool
}

// ensure creates the index unless this process already did or it exists.
func (c *indexCreator) ensure(ctx context.Context, tp esapi.Transport) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.exists {
		return nil
	}
	a, err := call(ctx, tp, http.MethodPut, "/"+url.PathEscape(c.name), nil, c.body)
	if err != nil {
		return fmt.Errorf("creating index %s: %w", c.name, err)
	}
	if !a.OK() && a.ErrorType() != "resource_already_exists_exception" {
		return fmt.Errorf("creating index %s: %w", c.name, a.Err())
	}
	c.exists = true
	return nil
}

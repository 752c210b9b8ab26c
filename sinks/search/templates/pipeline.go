package templates

import (
	"context"
	"fmt"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// pipelineExists reports whether the configured ingest pipeline exists.
// known is false when the credentials may not read pipelines (403): then
// nothing can be said before writing.
func pipelineExists(ctx context.Context, tp esapi.Transport, name string) (exists, known bool, err error) {
	a, err := call(ctx, tp, http.MethodGet, "/_ingest/pipeline/"+escape(name), nil, nil)
	if err != nil {
		return false, false, fmt.Errorf("reading ingest pipeline %s: %w", name, err)
	}
	switch a.Status {
	case http.StatusOK:
		return true, true, nil
	case http.StatusNotFound:
		return false, true, nil
	case http.StatusForbidden, http.StatusUnauthorized:
		return false, false, nil
	}
	return false, false, fmt.Errorf("reading ingest pipeline %s: %w", name, a.Err())
}

// errNoPipeline says the configured pipeline is missing: every event would
// be refused.
func errNoPipeline(name string, f conn.Flavor) error {
	key := pipelineKey(f)
	return fmt.Errorf("ingest pipeline %q (%s) does not exist on the cluster: create it, or unset %s", name, key, key)
}

// pipelineKey is the configuration key of the ingest pipeline: the sink
// type is the flavour's name.
func pipelineKey(f conn.Flavor) string { return "sink." + string(f) + ".pipeline" }

// checkPipeline is EnsureInstalled's and Check's test of cfg.Pipeline.
func checkPipeline(ctx context.Context, tp esapi.Transport, srv conn.Server, cfg Config) error {
	if cfg.Pipeline == "" {
		return nil
	}
	exists, known, err := pipelineExists(ctx, tp, cfg.Pipeline)
	if err != nil {
		return err
	}
	if known && !exists {
		return pipeline.Permanent(errNoPipeline(cfg.Pipeline, srv.Flavor))
	}
	return nil
}

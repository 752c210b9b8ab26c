package templates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// Install puts the index template and, where the cluster has a lifecycle
// feature, the retention policy for layout l. It deletes nothing: setup
// calls ApplyRetention after it. It is idempotent: objects already as wanted are left alone and reported
// unchanged, older ones are overwritten. Existing indices keep their
// mapping; the template applies to indices created afterwards.
//
// A cluster without ILM or ISM is not an error: the report says so. Errors
// are classified for pipeline/retry: a refused request (400, 401, 403) is
// permanent, an unreachable cluster is worth retrying. Safe for
// concurrent use (and for two processes at once: both write the same).
func Install(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config) (Report, error) {
	if err := errors.Join(l.Validate(), cfg.Validate()); err != nil {
		return Report{}, pipeline.Permanent(err)
	}
	_, flatName := flatType(srv)
	r := Report{Template: l.TemplateName(), FlatType: flatName, Custom: l.CustomName()}
	var err error
	if r.CustomAction, err = ensureCustom(ctx, tp, l); err != nil {
		return r, err
	}
	if r.TemplateAction, err = installTemplate(ctx, tp, srv, l, cfg); err != nil {
		return r, err
	}
	lc, err := DetectLifecycle(ctx, tp, srv)
	if err != nil {
		if !pipeline.IsPermanent(err) {
			return r, err
		}
		r.Notes = append(r.Notes, fmt.Sprintf("cannot use the cluster's lifecycle feature (%v); aspaudit still deletes expired indices itself while it runs", err))
	}
	r.Lifecycle = lc
	if err := installPolicy(ctx, tp, l, cfg, &r); err != nil {
		return r, err
	}
	r.Notes = append(r.Notes, retentionNote(l, cfg, lc))
	return r, nil
}

// EnsureInstalled is what the first write calls: it fails (permanently)
// when the configured ingest pipeline is missing; when cfg.Install is on
// and the layout's template is missing, it runs Install and reports true.
// A template already there is left as is, whatever its content (setup
// updates it). Errors are those of Install.
func EnsureInstalled(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config) (Report, bool, error) {
	// A missing ingest pipeline would make the cluster refuse every event.
	if err := checkPipeline(ctx, tp, srv, cfg); err != nil {
		return Report{}, false, err
	}
	if !cfg.Install {
		return Report{}, false, nil
	}
	_, found, err := templateHash(ctx, tp, l)
	if err == nil && !found {
		var r Report
		if r, err = Install(ctx, tp, srv, l, cfg); err == nil {
			return r, true, nil
		}
	}
	if pipeline.IsPermanent(err) {
		err = fmt.Errorf("%w (if aspaudit's credentials may only write documents, run aspaudit setup with an administrator's and set install: false)", err)
	}
	return Report{}, false, err
}

// installTemplate puts the index template unless it is already as wanted.
func installTemplate(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config) (Action, error) {
	body := templateBody(srv, l, cfg)
	want := body["_meta"].(map[string]any)[metaHash].(string)
	have, found, err := templateHash(ctx, tp, l)
	if err != nil {
		return "", err
	}
	if found && have == want {
		return Unchanged, nil
	}
	if _, err := callOK(ctx, tp, http.MethodPut, "/_index_template/"+escape(l.TemplateName()), nil, body); err != nil {
		return "", fmt.Errorf("installing index template %s: %w", l.TemplateName(), err)
	}
	if found {
		return Updated, nil
	}
	return Created, nil
}

// templateHash reads the hash aspaudit stored in the layout's template;
// found is false when there is no such template.
func templateHash(ctx context.Context, tp esapi.Transport, l Layout) (hash string, found bool, err error) {
	path := "/_index_template/" + escape(l.TemplateName())
	a, err := call(ctx, tp, http.MethodGet, path, nil, nil)
	if err != nil {
		return "", false, fmt.Errorf("reading index template %s: %w", l.TemplateName(), err)
	}
	if a.Status == http.StatusNotFound {
		return "", false, nil
	}
	if err := a.Err(); err != nil {
		return "", false, fmt.Errorf("reading index template %s: %w", l.TemplateName(), err)
	}
	var got struct {
		IndexTemplates []struct {
			Name          string `json:"name"`
			IndexTemplate struct {
				Meta map[string]any `json:"_meta"`
			} `json:"index_template"`
		} `json:"index_templates"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return "", false, fmt.Errorf("reading index template %s: decoding: %w", l.TemplateName(), err)
	}
	for _, t := range got.IndexTemplates {
		if t.Name == l.TemplateName() {
			return installedHash(t.IndexTemplate.Meta), true, nil
		}
	}
	return "", false, nil
}

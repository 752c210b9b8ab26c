package templates

import (
	"context"
	"errors"
	"fmt"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// CheckResult is what Check found.
type CheckResult struct {
	// Problems each make `aspaudit check` fail: a missing or outdated
	// template or policy, a missing privilege.
	Problems []string
	// Notes are information: what the cluster lacks, what was not checked.
	Notes []string
}

// Check reports, without changing anything, whether the cluster holds the
// layout's template and retention policy as this version of aspaudit
// installs them, and (on Elasticsearch with security on) whether the
// credentials have the privileges writing, setup and retention need. A
// refused request is a problem, not an error; the error is set only when
// the cluster could not be asked (unreachable, 5xx).
func Check(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config) (CheckResult, error) {
	var res CheckResult
	if err := errors.Join(l.Validate(), cfg.Validate()); err != nil {
		return res, pipeline.Permanent(err)
	}
	if err := checkTemplate(ctx, tp, srv, l, cfg, &res); err != nil {
		return res, err
	}
	if err := refused(checkPipeline(ctx, tp, srv, cfg), &res, pipelineKey(srv.Flavor)); err != nil {
		return res, err
	}
	lc, err := checkLifecycle(ctx, tp, srv, l, cfg, &res)
	if err != nil {
		return res, err
	}
	return res, checkPrivileges(ctx, tp, srv, l, cfg, lc, &res)
}

// refused sorts an error into a problem (returning nil) or a failure to
// ask (returned).
func refused(err error, res *CheckResult, what string) error {
	if err == nil || !pipeline.IsPermanent(err) {
		return err
	}
	res.Problems = append(res.Problems, fmt.Sprintf("%s: %v", what, err))
	return nil
}

func checkTemplate(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config, res *CheckResult) error {
	have, found, err := templateHash(ctx, tp, l)
	if err != nil {
		return refused(err, res, "cannot read the index template (needs the cluster privilege manage_index_templates)")
	}
	want := templateBody(srv, l, cfg)["_meta"].(map[string]any)[metaHash]
	switch {
	case !found:
		res.Problems = append(res.Problems, fmt.Sprintf("index template %s is missing: run aspaudit setup", l.TemplateName()))
	case have != want:
		res.Problems = append(res.Problems, fmt.Sprintf("index template %s differs from what this aspaudit and configuration install: run aspaudit setup", l.TemplateName()))
	}
	return nil
}

func checkLifecycle(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config, res *CheckResult) (Lifecycle, error) {
	if cfg.Retention == 0 {
		return NoLifecycle, nil
	}
	lc, err := DetectLifecycle(ctx, tp, srv)
	if err != nil {
		return lc, refused(err, res, "cannot use the cluster's lifecycle feature")
	}
	var current bool
	switch lc {
	case NoLifecycle:
		res.Notes = append(res.Notes, retentionNote(l, cfg, lc))
		return lc, nil
	case ILM:
		var have string
		have, current, err = readILM(ctx, tp, l)
		current = current && have == ilmHash(ilmPolicy(cfg.Retention.Duration()))
	case ISM:
		var got ismStored
		got, current, err = readISM(ctx, tp, l)
		current = current && got.Policy.Description == ismDescription(ismPolicy(l, cfg.Retention.Duration()))
	}
	if err != nil {
		return lc, refused(err, res, fmt.Sprintf("cannot read %s policy %s", lc, l.PolicyName()))
	}
	if !current {
		res.Problems = append(res.Problems, fmt.Sprintf("%s policy %s is missing or differs from the configured retention %s: run aspaudit setup", lc, l.PolicyName(), cfg.Retention))
	}
	return lc, nil
}

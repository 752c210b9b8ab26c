package templates

import "fmt"

// Action says what Install did with one object on the cluster.
type Action string

// What Install can do with an object.
const (
	Created   Action = "created"
	Updated   Action = "updated"
	Unchanged Action = "unchanged"
	// Skipped: nothing to install (no lifecycle feature, or retention off
	// and no earlier policy to neutralise).
	Skipped Action = "skipped"
)

// Report says what Install did, for setup to print.
type Report struct {
	// Template is the index template's name; TemplateAction what was done.
	Template       string
	TemplateAction Action
	// Custom is the user's component template; CustomAction is Created
	// or Unchanged (it is never overwritten).
	Custom       string
	CustomAction Action
	// FlatType is how free-form objects are mapped on this cluster
	// ("flattened", "flat_object", ...).
	FlatType string
	// Lifecycle is the cluster's lifecycle feature, NoLifecycle if none.
	Lifecycle Lifecycle
	// Policy is the lifecycle policy's name ("" when none applies);
	// PolicyAction what was done.
	Policy       string
	PolicyAction Action
	// Notes are sentences for the user: what the retention does here, and
	// what the cluster lacks.
	Notes []string
}

// Lines returns the report as lines for a terminal.
func (r Report) Lines() []string {
	out := []string{fmt.Sprintf("index template %s: %s (free-form objects mapped as %s)", r.Template, r.TemplateAction, r.FlatType)}
	if r.Custom != "" {
		kept := "kept as it is"
		if r.CustomAction == Created {
			kept = "created empty"
		}
		out = append(out, fmt.Sprintf("component template %s (your mappings and settings): %s", r.Custom, kept))
	}
	if r.Policy != "" {
		out = append(out, fmt.Sprintf("%s policy %s: %s", r.Lifecycle, r.Policy, r.PolicyAction))
	}
	return append(out, r.Notes...)
}

// retentionNote explains what the retention does on a cluster.
func retentionNote(l Layout, cfg Config, lc Lifecycle) string {
	ret := cfg.Retention
	switch {
	case ret == 0:
		return "retention: off, indices are kept forever"
	case lc == ILM:
		return fmt.Sprintf("retention %s: ILM policy %s deletes each index %s after the end of the period it holds (aspaudit stamps that date on each index as index.lifecycle.origination_date); aspaudit also deletes expired indices itself while it runs", ret, l.PolicyName(), ret)
	case lc == ISM:
		return fmt.Sprintf("retention %s: OpenSearch ISM counts age from index creation, not from the events' time, so ISM policy %s is only a backstop that deletes an index %s after its creation; aspaudit deletes expired indices on time itself while it runs (setup, run, backfill, import)",
			ret, l.PolicyName(), lifecycleAge(ret.Duration()+periodPad(l.Granularity)))
	}
	return fmt.Sprintf("retention %s: this cluster has no index lifecycle feature (Elasticsearch ILM or OpenSearch ISM), so no policy is installed; aspaudit deletes expired indices itself while it runs (setup, run, backfill, import)", ret)
}

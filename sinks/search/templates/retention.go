package templates

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/elastic/go-elasticsearch/v8/esapi"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// RetentionReport says what ApplyRetention did.
type RetentionReport struct {
	// Deleted are the indices deleted because their period ended more
	// than the retention ago, in name order.
	Deleted []string
	// Kept counts the layout's indices still within the retention.
	Kept int
	// Stamped are the indices given the ILM policy and their
	// origination date.
	Stamped []string
	// Ignored counts indices matching the layout's pattern whose name
	// carries no date aspaudit writes: retention leaves them alone.
	Ignored int
}

// deleteChunk bounds the names in one DELETE request (URL length).
const deleteChunk = 50

// ApplyRetention deletes the layout's indices whose period (read from
// their names, see Period) ended at least cfg.Retention before now, and
// where the cluster has ILM, attaches the ILM policy to the other indices
// that have no lifecycle policy yet, with index.lifecycle.origination_date
// set to the end of their period so that ILM counts age from the events'
// time. Indices whose names carry no date are never touched. With no
// retention it does nothing.
//
// It is safe to run at any time and from several processes at once.
// Callers run it after setup, after each backfill or import, and
// periodically (hourly is plenty) in continuous mode. Errors are
// classified for pipeline/retry; on error, the report holds what was done.
func ApplyRetention(ctx context.Context, tp esapi.Transport, srv conn.Server, l Layout, cfg Config, now time.Time) (RetentionReport, error) {
	var rep RetentionReport
	if err := errors.Join(l.Validate(), cfg.Validate()); err != nil {
		return rep, pipeline.Permanent(err)
	}
	if cfg.Retention == 0 {
		return rep, nil
	}
	indices, err := listIndices(ctx, tp, l)
	if err != nil {
		return rep, err
	}
	var expired, stamp []indexInfo
	for _, ix := range indices {
		switch {
		case !ix.dated:
			rep.Ignored++
		case Expired(ix.end, cfg.Retention, now):
			expired = append(expired, ix)
		default:
			rep.Kept++
			if ix.lifecycleName == "" || (ix.lifecycleName == l.PolicyName() && ix.origination == "") {
				stamp = append(stamp, ix)
			}
		}
	}
	if err := deleteIndices(ctx, tp, expired, &rep); err != nil {
		return rep, err
	}
	if len(stamp) == 0 || srv.Flavor != conn.Elasticsearch {
		return rep, nil
	}
	if lc, err := DetectLifecycle(ctx, tp, srv); err != nil || lc != ILM {
		return rep, err
	}
	return rep, stampILM(ctx, tp, l, stamp, &rep)
}

// indexInfo is what retention needs to know about one index.
type indexInfo struct {
	name          string
	dated         bool
	end           time.Time
	lifecycleName string
	origination   string
}

// listIndices returns the layout's indices, open and closed, sorted by
// name.
func listIndices(ctx context.Context, tp esapi.Transport, l Layout) ([]indexInfo, error) {
	q := url.Values{
		"flat_settings":      {"true"},
		"expand_wildcards":   {"open,closed"},
		"allow_no_indices":   {"true"},
		"ignore_unavailable": {"true"},
	}
	path := "/" + escape(l.Pattern()) + "/_settings/index.uuid,index.lifecycle.name,index.lifecycle.origination_date"
	a, err := callOK(ctx, tp, http.MethodGet, path, q, nil)
	if err != nil {
		return nil, fmt.Errorf("listing indices %s: %w", l.Pattern(), err)
	}
	var got map[string]struct {
		Settings map[string]string `json:"settings"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return nil, fmt.Errorf("listing indices %s: decoding: %w", l.Pattern(), err)
	}
	out := make([]indexInfo, 0, len(got))
	for name, s := range got {
		_, end, ok := Period(l.Prefix, name)
		out = append(out, indexInfo{
			name: name, dated: ok, end: end,
			lifecycleName: s.Settings["index.lifecycle.name"],
			origination:   s.Settings["index.lifecycle.origination_date"],
		})
	}
	slices.SortFunc(out, func(a, b indexInfo) int { return strings.Compare(a.name, b.name) })
	return out, nil
}

// deleteIndices deletes indices by name (never by pattern), a chunk at a
// time, recording each deleted name in rep.
func deleteIndices(ctx context.Context, tp esapi.Transport, indices []indexInfo, rep *RetentionReport) error {
	for chunk := range slices.Chunk(indices, deleteChunk) {
		names := make([]string, len(chunk))
		for i, ix := range chunk {
			names[i] = ix.name
		}
		// ignore_unavailable: another process may have deleted some.
		q := url.Values{"ignore_unavailable": {"true"}}
		if _, err := callOK(ctx, tp, http.MethodDelete, "/"+escape(names...), q, nil); err != nil {
			return fmt.Errorf("deleting expired indices: %w", err)
		}
		rep.Deleted = append(rep.Deleted, names...)
	}
	return nil
}

// stampILM attaches the ILM policy to each index with the end of its
// period as origination date. It goes on after a failure (a closed index
// refuses) and returns every failure.
func stampILM(ctx context.Context, tp esapi.Transport, l Layout, indices []indexInfo, rep *RetentionReport) error {
	var errs []error
	for _, ix := range indices {
		body := map[string]any{
			"index.lifecycle.name":             l.PolicyName(),
			"index.lifecycle.origination_date": strconv.FormatInt(ix.end.UnixMilli(), 10),
		}
		if _, err := callOK(ctx, tp, http.MethodPut, "/"+escape(ix.name)+"/_settings", nil, body); err != nil {
			if !pipeline.IsPermanent(err) {
				return fmt.Errorf("attaching ILM policy %s to %s: %w", l.PolicyName(), ix.name, err)
			}
			errs = append(errs, fmt.Errorf("attaching ILM policy %s to %s: %w", l.PolicyName(), ix.name, err))
			continue
		}
		rep.Stamped = append(rep.Stamped, ix.name)
	}
	return errors.Join(errs...)
}

package templates

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// installPolicy puts the lifecycle policy where the cluster has a
// lifecycle feature, recording what it did in r.
func installPolicy(ctx context.Context, tp esapi.Transport, l Layout, cfg Config, r *Report) error {
	var err error
	switch r.Lifecycle {
	case ILM:
		r.Policy = l.PolicyName()
		r.PolicyAction, err = installILM(ctx, tp, l, cfg)
	case ISM:
		r.Policy = l.PolicyName()
		r.PolicyAction, err = installISM(ctx, tp, l, cfg)
		if err == nil {
			if aerr := attachISM(ctx, tp, l, cfg.Retention > 0, r.PolicyAction == Updated); aerr != nil {
				r.Notes = append(r.Notes, fmt.Sprintf("ISM policy %s is installed but not attached to every existing index: %v", r.Policy, aerr))
			}
		}
	}
	if err != nil {
		return fmt.Errorf("installing %s policy %s: %w", r.Lifecycle, r.Policy, err)
	}
	if r.PolicyAction == Skipped {
		r.Policy = ""
	}
	return nil
}

// installILM puts the ILM policy unless it is already as wanted. With no
// retention, a policy is written only to neutralise one left by an
// earlier setup.
func installILM(ctx context.Context, tp esapi.Transport, l Layout, cfg Config) (Action, error) {
	body := ilmPolicy(cfg.Retention.Duration())
	have, found, err := readILM(ctx, tp, l)
	switch {
	case err != nil:
		return "", err
	case found && have == ilmHash(body):
		return Unchanged, nil
	case !found && cfg.Retention == 0:
		return Skipped, nil
	}
	if _, err := callOK(ctx, tp, http.MethodPut, "/_ilm/policy/"+escape(l.PolicyName()), nil, body); err != nil {
		return "", err
	}
	return action(found), nil
}

// ilmHash returns the hash inside an ILM policy body.
func ilmHash(body map[string]any) string {
	return body["policy"].(map[string]any)["_meta"].(map[string]any)[metaHash].(string)
}

// readILM returns the hash aspaudit stored in the layout's ILM policy;
// found is false when there is no such policy.
func readILM(ctx context.Context, tp esapi.Transport, l Layout) (hash string, found bool, err error) {
	a, err := call(ctx, tp, http.MethodGet, "/_ilm/policy/"+escape(l.PolicyName()), nil, nil)
	if err != nil || a.Status == http.StatusNotFound {
		return "", false, err
	}
	if err := a.Err(); err != nil {
		return "", false, err
	}
	var got map[string]struct {
		Policy struct {
			Meta map[string]any `json:"_meta"`
		} `json:"policy"`
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return "", false, fmt.Errorf("decoding the policy: %w", err)
	}
	return installedHash(got[l.PolicyName()].Policy.Meta), true, nil
}

// ismStored is the part of an ISM policy answer aspaudit needs.
type ismStored struct {
	SeqNo       int64 `json:"_seq_no"`
	PrimaryTerm int64 `json:"_primary_term"`
	Policy      struct {
		Description string `json:"description"`
	} `json:"policy"`
}

// ismDescription returns the description (holding the hash) inside an ISM
// policy body.
func ismDescription(body map[string]any) string {
	return body["policy"].(map[string]any)["description"].(string)
}

// installISM puts the ISM policy unless it is already as wanted.
func installISM(ctx context.Context, tp esapi.Transport, l Layout, cfg Config) (Action, error) {
	body := ismPolicy(l, cfg.Retention.Duration())
	got, found, err := readISM(ctx, tp, l)
	switch {
	case err != nil:
		return "", err
	case found && got.Policy.Description == ismDescription(body):
		return Unchanged, nil
	case !found && cfg.Retention == 0:
		return Skipped, nil
	}
	q := url.Values{}
	if found {
		// ISM refuses to overwrite a policy without its current version.
		q.Set("if_seq_no", strconv.FormatInt(got.SeqNo, 10))
		q.Set("if_primary_term", strconv.FormatInt(got.PrimaryTerm, 10))
	}
	if _, err := callOK(ctx, tp, http.MethodPut, "/_plugins/_ism/policies/"+escape(l.PolicyName()), q, body); err != nil {
		return "", err
	}
	return action(found), nil
}

// readISM returns the layout's stored ISM policy; found is false when there
// is none (ISM answers 404 both for a missing policy and before its first
// policy creates its index).
func readISM(ctx context.Context, tp esapi.Transport, l Layout) (got ismStored, found bool, err error) {
	a, err := call(ctx, tp, http.MethodGet, "/_plugins/_ism/policies/"+escape(l.PolicyName()), nil, nil)
	if err != nil || a.Status == http.StatusNotFound {
		return got, false, err
	}
	if err := a.Err(); err != nil {
		return got, false, err
	}
	if err := json.Unmarshal(a.Body, &got); err != nil {
		return got, false, fmt.Errorf("decoding the policy: %w", err)
	}
	return got, true, nil
}

// attachISM gives the policy to the layout's existing indices that have
// none (new ones get it from the policy's ism_template), and, after an
// update, moves indices on the older version to the new one. Indices
// already managed show up as per-index failures of the add call, which is
// expected and ignored.
func attachISM(ctx context.Context, tp esapi.Transport, l Layout, add, updated bool) error {
	policy := map[string]any{"policy_id": l.PolicyName()}
	if add {
		if _, err := callOK(ctx, tp, http.MethodPost, "/_plugins/_ism/add/"+escape(l.Pattern()), nil, policy); err != nil {
			return fmt.Errorf("attaching the policy to existing indices: %w", err)
		}
	}
	if updated {
		if _, err := callOK(ctx, tp, http.MethodPost, "/_plugins/_ism/change_policy/"+escape(l.Pattern()), nil, policy); err != nil {
			return fmt.Errorf("moving indices to the updated policy: %w", err)
		}
	}
	return nil
}

func action(found bool) Action {
	if found {
		return Updated
	}
	return Created
}

package templates

import (
	"context"
	"fmt"
	"net/http"
	"net/url"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// CustomName returns the name of the layout's user component template,
// "<prefix>@custom", which the index template composes: users add
// mappings (GeoIP, extra fields) and settings there. aspaudit creates it
// empty when missing and never changes it.
func (l Layout) CustomName() string { return l.Prefix + "@custom" }

// customBody is the component template created when none exists.
var customBody = map[string]any{
	"template": map[string]any{},
	"_meta": map[string]any{
		"description": "Your additions to aspaudit's index template (mappings, settings, index.default_pipeline); aspaudit creates it empty and never changes it.",
	},
}

// ensureCustom creates the layout's @custom component template unless it
// exists; an existing one is left as it is.
func ensureCustom(ctx context.Context, tp esapi.Transport, l Layout) (Action, error) {
	path := "/_component_template/" + escape(l.CustomName())
	found, err := componentExists(ctx, tp, path)
	if err != nil || found {
		return Unchanged, err
	}
	a, err := call(ctx, tp, http.MethodPut, path, url.Values{"create": {"true"}}, customBody)
	if err != nil {
		return "", fmt.Errorf("creating component template %s: %w", l.CustomName(), err)
	}
	if err := a.Err(); err != nil {
		// Another setup may have created it in between: keep theirs.
		if found, gerr := componentExists(ctx, tp, path); gerr == nil && found {
			return Unchanged, nil
		}
		return "", fmt.Errorf("creating component template %s: %w", l.CustomName(), err)
	}
	return Created, nil
}

func componentExists(ctx context.Context, tp esapi.Transport, path string) (bool, error) {
	a, err := call(ctx, tp, http.MethodGet, path, nil, nil)
	if err != nil {
		return false, fmt.Errorf("reading component template: %w", err)
	}
	if a.Status == http.StatusNotFound {
		return false, nil
	}
	if err := a.Err(); err != nil {
		return false, fmt.Errorf("reading component template: %w", err)
	}
	return true, nil
}

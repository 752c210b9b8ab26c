package dashboards

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/aspaudit/aspaudit/pipeline"
)

// SecurityIndexSetting is Kibana's advanced setting listing the indices
// Elastic Security reads.
const SecurityIndexSetting = "securitySolution:defaultIndex"

// defaultSecurityIndices is Kibana 8's value of SecurityIndexSetting when
// nobody changed it. The settings API returns only changed values, so
// adding to an unchanged setting must start from this list, or the
// defaults would be lost.
var defaultSecurityIndices = []string{
	"apm-*-transaction*", "auditbeat-*", "endgame-*", "filebeat-*", "logs-*",
	"packetbeat-*", "traces-apm*", "winlogbeat-*", "-*elastic-cloud-logs-*",
}

// settingsAnswer is the part of GET/POST /api/kibana/settings read here.
type settingsAnswer struct {
	Settings map[string]struct {
		UserValue json.RawMessage `json:"userValue"`
	} `json:"settings"`
}

// AddSecurityIndices adds pattern to Elastic Security's index list of the
// configured space unless it is already there, keeping every pattern
// already listed; it reports whether it changed the setting. Kibana only.
// Failures are classified as for Import.
func (im *Importer) AddSecurityIndices(ctx context.Context, pattern string) (added bool, err error) {
	if im.flavor != Kibana {
		return false, pipeline.Permanent(fmt.Errorf("%s has no Elastic Security", im.flavor))
	}
	err = im.cfg.Retry.Do(ctx, func(ctx context.Context) error {
		current, err := im.securityIndices(ctx)
		if err != nil || slices.Contains(current, pattern) {
			return err
		}
		added = true
		return im.setSecurityIndices(ctx, append(current, pattern))
	}, nil)
	if err != nil {
		return false, fmt.Errorf("adding %s to Kibana's %s: %w", pattern, SecurityIndexSetting, err)
	}
	return added, nil
}

// securityIndices reads the setting's current value.
func (im *Importer) securityIndices(ctx context.Context) ([]string, error) {
	ans, err := im.settings(ctx, http.MethodGet, nil)
	if err != nil {
		return nil, err
	}
	v := ans.Settings[SecurityIndexSetting].UserValue
	if len(v) == 0 || string(v) == "null" {
		return slices.Clone(defaultSecurityIndices), nil
	}
	var list []string
	if err := json.Unmarshal(v, &list); err != nil {
		return nil, pipeline.Permanent(fmt.Errorf("reading %s: %w", SecurityIndexSetting, err))
	}
	return list, nil
}

func (im *Importer) setSecurityIndices(ctx context.Context, list []string) error {
	body, err := json.Marshal(map[string]any{"changes": map[string]any{SecurityIndexSetting: list}})
	if err != nil {
		return pipeline.Permanent(err)
	}
	_, err = im.settings(ctx, http.MethodPost, body)
	return err
}

// settings calls the advanced settings API of the configured space.
func (im *Importer) settings(ctx context.Context, method string, body []byte) (settingsAnswer, error) {
	u := settingsURL(im.cfg)
	req, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return settingsAnswer{}, pipeline.Permanent(fmt.Errorf("building request: %w", err))
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	im.authorize(req)
	resp, err := im.client.Do(req)
	if err != nil {
		return settingsAnswer{}, fmt.Errorf("sending to %s: %w", redact(u), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return settingsAnswer{}, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return settingsAnswer{}, statusError(im.flavor, resp, b)
	}
	var ans settingsAnswer
	if err := json.Unmarshal(b, &ans); err != nil {
		return ans, pipeline.Permanent(fmt.Errorf("decoding the settings: %w", err))
	}
	return ans, nil
}

// settingsURL is the advanced settings API of the configured space.
func settingsURL(cfg Config) string {
	base := strings.TrimRight(cfg.URL, "/")
	if cfg.Space != "" {
		base += "/s/" + url.PathEscape(cfg.Space)
	}
	return base + "/api/kibana/settings"
}

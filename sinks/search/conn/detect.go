package conn

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"github.com/elastic/go-elasticsearch/v8/esapi"
)

// Detect asks the cluster which product and version it runs, from GET /,
// and caches the answer for Server. OpenSearch says
// version.distribution "opensearch"; Elasticsearch sends the
// X-Elastic-Product header. Where GET / is not served (Elasticsearch
// builds without the rest-root module, such as the integ-test zips),
// Detect asks GET /_nodes/_local instead. Errors are classified like
// those of Check: a refused login is permanent, an unreachable cluster
// is worth retrying.
func (c *Client) Detect(ctx context.Context) (Server, error) {
	s, err := c.detectRoot(ctx)
	if err != nil {
		var se *StatusError
		if !asStatus(err, &se) || (se.Status != http.StatusMethodNotAllowed && se.Status != http.StatusNotFound) {
			return Server{}, fmt.Errorf("detecting the cluster's product: %w", err)
		}
		if s, err = c.detectNodes(ctx); err != nil {
			return Server{}, fmt.Errorf("detecting the cluster's product: %w", err)
		}
	}
	c.mu.Lock()
	c.server = &s
	c.mu.Unlock()
	return s, nil
}

// Server returns what Detect found, and false if it has not succeeded yet.
func (c *Client) Server() (Server, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.server == nil {
		return Server{}, false
	}
	return *c.server, true
}

// rootInfo is the part of GET / that tells products apart.
type rootInfo struct {
	Version struct {
		Number       string `json:"number"`
		Distribution string `json:"distribution"`
	} `json:"version"`
	Tagline string `json:"tagline"`
}

func (c *Client) detectRoot(ctx context.Context) (Server, error) {
	var info rootInfo
	h, err := c.getJSON(ctx, esapi.InfoRequest{}, &info)
	if err != nil {
		return Server{}, err
	}
	f := Elasticsearch
	// Amazon OpenSearch Service in compatibility mode reports 7.10.2
	// without a distribution, but keeps OpenSearch's tagline.
	if info.Version.Distribution == "opensearch" ||
		(h.Get("X-Elastic-Product") == "" && strings.Contains(info.Tagline, "OpenSearch")) {
		f = OpenSearch
	} else if h.Get("X-Elastic-Product") != "Elasticsearch" {
		return Server{}, fmt.Errorf("the server at GET / is neither Elasticsearch 7.14+ nor OpenSearch (version %q)", info.Version.Number)
	}
	return newServer(f, info.Version.Number)
}

// nodesInfo is the part of GET /_nodes/_local that holds the version.
type nodesInfo struct {
	Nodes map[string]struct {
		Version string `json:"version"`
	} `json:"nodes"`
}

func (c *Client) detectNodes(ctx context.Context) (Server, error) {
	var info nodesInfo
	req := esapi.NodesInfoRequest{NodeID: []string{"_local"}, FilterPath: []string{"nodes.*.version"}}
	h, err := c.getJSON(ctx, req, &info)
	if err != nil {
		return Server{}, err
	}
	for _, n := range info.Nodes {
		f := OpenSearch
		if h.Get("X-Elastic-Product") == "Elasticsearch" {
			f = Elasticsearch
		}
		return newServer(f, n.Version)
	}
	return Server{}, fmt.Errorf("GET /_nodes/_local listed no node")
}

// getJSON runs req, checks its status and decodes its JSON answer into v.
func (c *Client) getJSON(ctx context.Context, req esapi.Request, v any) (http.Header, error) {
	res, err := req.Do(ctx, c)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	if err := Check(res); err != nil {
		return nil, err
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		return nil, fmt.Errorf("decoding the answer: %w", err)
	}
	return res.Header, nil
}

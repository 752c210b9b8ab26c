package dashboards

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// Importer sends saved objects exports to one Kibana or OpenSearch
// Dashboards. It is safe for concurrent use.
type Importer struct {
	cfg      Config
	flavor   Flavor
	client   *http.Client
	log      *slog.Logger
	endpoint string
}

// Result says what an import did.
type Result struct {
	// Objects is the number of objects in the export.
	Objects int
	// Imported is the number the server reports as imported (created or
	// overwritten).
	Imported int
}

// New builds an importer for the product. cfg's secrets must already be
// resolved (Config.ResolveSecrets) and cfg.URL must be set. It does not
// contact the server. log may be nil.
func New(cfg Config, f Flavor, log *slog.Logger, opts ...Option) (*Importer, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var o options
	for _, opt := range opts {
		opt(&o)
	}
	var errs []error
	if f != Kibana && f != OpenSearchDashboards {
		errs = append(errs, fmt.Errorf("unknown product %d", f))
	}
	if cfg.URL == "" {
		errs = append(errs, errors.New("url: needed to import saved objects"))
	}
	if cfg.Space != "" && f == OpenSearchDashboards {
		errs = append(errs, errors.New("space: Kibana spaces do not exist in OpenSearch Dashboards"))
	}
	errs = append(errs, cfg.Validate())
	if o.aws.SigV4 && f == Kibana {
		errs = append(errs, errors.New("aws.sigv4: only the OpenSearch Dashboards of an Amazon OpenSearch Service domain take SigV4, not Kibana"))
	}
	if cfg.URL != "" {
		errs = append(errs, o.aws.Validate(cfg.Credentials, []string{cfg.URL}))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, pipeline.Permanent(err)
	}
	client, err := httpClient(cfg, log)
	if err != nil {
		return nil, pipeline.Permanent(err)
	}
	if o.aws.SigV4 {
		u, err := url.Parse(cfg.URL)
		if err != nil {
			return nil, pipeline.Permanent(fmt.Errorf("url: %w", err))
		}
		if client.Transport, err = conn.NewSigV4Transport(o.aws, []*url.URL{u}, client.Transport, f.String(), log); err != nil {
			return nil, pipeline.Permanent(err)
		}
	}
	return &Importer{cfg: cfg, flavor: f, client: client, log: log, endpoint: endpoint(cfg)}, nil
}

// Option changes how an Importer reaches its server.
type Option func(*options)

type options struct{ aws conn.AWSConfig }

// SignWithAWS signs every request with AWS SigV4 when a.SigV4 is set: for
// the OpenSearch Dashboards of an Amazon OpenSearch Service domain (see
// OSDConfig).
func SignWithAWS(a conn.AWSConfig) Option { return func(o *options) { o.aws = a } }

// endpoint is the import URL: the base URL (with its base path), the
// Kibana space if any, and overwrite=true so that a re-run replaces
// aspaudit's objects instead of failing on conflicts or adding copies.
func endpoint(cfg Config) string {
	base := strings.TrimRight(cfg.URL, "/")
	if cfg.Space != "" {
		base += "/s/" + url.PathEscape(cfg.Space)
	}
	return base + "/api/saved_objects/_import?overwrite=true"
}

// Import checks the export, then uploads it and returns once the server
// has answered. Transport errors, 429 and 5xx answers (a server still
// starting) are retried under cfg.Retry; other failures are returned at
// once and are permanent. When the server imported only some objects the
// error is an *ImportError naming each failed object and why.
func (im *Importer) Import(ctx context.Context, export []byte) (Result, error) {
	x, err := ParseExport(export)
	if err == nil {
		err = x.Check(im.flavor)
	}
	if err != nil {
		return Result{}, pipeline.Permanent(fmt.Errorf("checking the saved objects export: %w", err))
	}
	body, contentType, err := multipartBody(export)
	if err != nil {
		return Result{}, pipeline.Permanent(err)
	}
	res := Result{Objects: len(x.Objects)}
	var ans importResponse
	err = im.cfg.Retry.Do(ctx, func(ctx context.Context) error {
		var err error
		ans, err = im.send(ctx, body, contentType)
		return err
	}, func(attempt int, err error, wait time.Duration) {
		im.log.Info("saved objects import failed, retrying", "product", im.flavor.String(),
			"attempt", attempt, "wait", wait, "error", err)
	})
	if err != nil {
		return res, fmt.Errorf("importing saved objects into %s: %w", im.flavor, err)
	}
	res.Imported = ans.SuccessCount
	if err := ans.err(im.flavor, res.Objects); err != nil {
		return res, err
	}
	im.log.Info("saved objects imported", "product", im.flavor.String(), "objects", res.Imported)
	return res, nil
}

// multipartBody wraps the export as the form field "file", named *.ndjson
// as both products require.
func multipartBody(export []byte) ([]byte, string, error) {
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, FileName))
	h.Set("Content-Type", "application/ndjson")
	part, err := w.CreatePart(h)
	if err == nil {
		_, err = part.Write(export)
	}
	if err == nil {
		err = w.Close()
	}
	if err != nil {
		return nil, "", fmt.Errorf("building the upload: %w", err)
	}
	return b.Bytes(), w.FormDataContentType(), nil
}

// send makes one attempt and classifies its failure.
func (im *Importer) send(ctx context.Context, body []byte, contentType string) (importResponse, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, im.endpoint, bytes.NewReader(body))
	if err != nil {
		return importResponse{}, pipeline.Permanent(fmt.Errorf("building request: %w", err))
	}
	req.Header.Set("Content-Type", contentType)
	im.authorize(req)
	resp, err := im.client.Do(req)
	if err != nil {
		return importResponse{}, fmt.Errorf("sending to %s: %w", redact(im.endpoint), err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 8<<20))
	if err != nil {
		return importResponse{}, fmt.Errorf("reading the answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return importResponse{}, statusError(im.flavor, resp, b)
	}
	return decodeResponse(b)
}

// authorize sets the headers every request carries: the product's xsrf
// header, the user agent and the credentials.
func (im *Importer) authorize(req *http.Request) {
	req.Header.Set(im.flavor.xsrfHeader(), "true")
	req.Header.Set("User-Agent", "aspaudit")
	switch {
	case im.cfg.APIKey.IsSet():
		req.Header.Set("Authorization", "ApiKey "+im.cfg.APIKey.Value())
	case im.cfg.Username != "":
		req.SetBasicAuth(im.cfg.Username, im.cfg.Password.Value())
	}
}

// redact hides credentials embedded in a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(invalid URL)"
	}
	return u.Redacted()
}

package dashboards

import (
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/aspaudit/aspaudit/sinks/search/conn"
)

// httpClient builds the client: proxy from the environment, the CA file,
// and TLS verification unless explicitly turned off.
func httpClient(cfg Config, log *slog.Logger) (*http.Client, error) {
	tlsCfg, err := conn.TLSConfig(cfg.CAFile, cfg.TLSInsecureSkipVerify, "Kibana or OpenSearch Dashboards", log)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Timeout: cfg.Timeout,
		Transport: &http.Transport{
			Proxy:                 http.ProxyFromEnvironment,
			DialContext:           (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
			TLSClientConfig:       tlsCfg,
			ForceAttemptHTTP2:     true,
			TLSHandshakeTimeout:   10 * time.Second,
			IdleConnTimeout:       90 * time.Second,
			ExpectContinueTimeout: time.Second,
		},
	}, nil
}

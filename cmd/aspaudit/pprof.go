package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/pprof"
	"time"

	"github.com/aspaudit/aspaudit/configs"
)

// profileEnv names the environment variable that, when set to an address
// (127.0.0.1:6060), serves Go's runtime profiles (/debug/pprof/) there for
// the life of the process: a tool for measuring, kept off the /metrics
// listener and off by default, since profiles reveal the program's inner
// workings to whoever can reach them.
const profileEnv = configs.EnvProfileListen

// serveProfiles starts the profile listener when environ asks for it. It
// reports where it listens on w, and fails only when the address cannot be
// listened on.
func serveProfiles(ctx context.Context, environ []string, w io.Writer) error {
	addr := lookupEnv(environ, profileEnv)
	if addr == "" {
		return nil
	}
	ln, err := (&net.ListenConfig{}).Listen(ctx, "tcp", addr)
	if err != nil {
		return fmt.Errorf("listening for %s: %w", profileEnv, err)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	context.AfterFunc(ctx, func() { _ = srv.Close() })
	fmt.Fprintf(w, "aspaudit: serving Go profiles at http://%s/debug/pprof/ (%s)\n", ln.Addr(), profileEnv)
	return nil
}

// lookupEnv returns the value of the last name=value of environ, or "".
func lookupEnv(environ []string, name string) string {
	v := ""
	for _, kv := range environ {
		if len(kv) > len(name) && kv[len(name)] == '=' && kv[:len(name)] == name {
			v = kv[len(name)+1:]
		}
	}
	return v
}

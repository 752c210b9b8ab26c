package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"sync"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/pipeline"
	"github.com/aspaudit/aspaudit/pipeline/ingest"
	"github.com/aspaudit/aspaudit/sinks"
)

// leaseMetrics shows the projects this replica holds (see
// ingest.FollowShared) in /metrics and /healthz. It is safe for concurrent
// use; its metrics are registered by enable, so a run that shares nothing
// shows none.
type leaseMetrics struct {
	held      prometheus.Gauge
	alive     prometheus.Gauge
	takeovers prometheus.Counter
	lost      prometheus.Counter

	mu      sync.Mutex
	replica string // empty until enabled
	heldN   int
	aliveN  int
}

var _ ingest.LeaseObserver = (*leaseMetrics)(nil)

func newLeaseMetrics() *leaseMetrics {
	return &leaseMetrics{
		held: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aspaudit_projects_held",
			Help: "Projects this replica follows under a lease (run replicas sharing a search cluster)."}),
		alive: prometheus.NewGauge(prometheus.GaugeOpts{Name: "aspaudit_replicas_alive",
			Help: "Run replicas seen alive sharing the projects, this one included."}),
		takeovers: prometheus.NewCounter(prometheus.CounterOpts{Name: "aspaudit_lease_takeovers_total",
			Help: "Project leases this replica took from another replica whose lease had expired unrenewed."}),
		lost: prometheus.NewCounter(prometheus.CounterOpts{Name: "aspaudit_leases_lost_total",
			Help: "Project leases this replica could not renew in time (it stopped following those projects)."}),
	}
}

// enable registers the metrics in reg and names the replica in /healthz.
func (l *leaseMetrics) enable(reg *prometheus.Registry, replica string) {
	reg.MustRegister(l.held, l.alive, l.takeovers, l.lost)
	l.mu.Lock()
	l.replica = replica
	l.mu.Unlock()
}

func (l *leaseMetrics) Leases(held, alive int) {
	l.held.Set(float64(held))
	l.alive.Set(float64(alive))
	l.mu.Lock()
	l.heldN, l.aliveN = held, alive
	l.mu.Unlock()
}

func (l *leaseMetrics) LeaseTaken(_, from string) {
	if from != "" {
		l.takeovers.Inc()
	}
}

func (l *leaseMetrics) LeaseLost(string) { l.lost.Inc() }

// healthz adds a line naming the replica and what it holds to h's answer.
func (l *leaseMetrics) healthz(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r)
		l.mu.Lock()
		defer l.mu.Unlock()
		if l.replica != "" {
			fmt.Fprintf(w, "replica %s holds %d project leases (%d replicas alive)\n", l.replica, l.heldN, l.aliveN)
		}
	})
}

// replicaID names this replica in the leases: pipeline.replica_id, or the
// host name, and a random suffix chosen at start, so that two replicas
// given the same name (one ConfigMap for a whole Deployment) never take
// each other's leases for their own.
func replicaID(cfg configs.Config) string {
	name := cfg.Pipeline.ReplicaID
	if name == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "aspaudit"
		}
		name = host
	}
	var b [3]byte
	_, _ = rand.Read(b[:])
	return name + "-" + hex.EncodeToString(b[:])
}

// leaseSharing returns how this `run` shares its projects with other
// replicas: through out's lease store, when the sink has one (a search
// sink), else nil. It makes sure the state index can hold leases: a
// refusal (a missing privilege) is an error saying to run setup; a cluster
// not reachable yet is left to the rounds, which retry.
func leaseSharing(ctx context.Context, cfg configs.Config, out *sinks.Outputs, m *metrics, log *slog.Logger) (*ingest.Sharing, error) {
	if out.Leases == nil {
		return nil, nil
	}
	if e, ok := out.Leases.(interface{ EnsureIndex(context.Context) error }); ok {
		if err := e.EnsureIndex(ctx); err != nil {
			if pipeline.IsPermanent(err) {
				return nil, fmt.Errorf("preparing the state index for leases between replicas (run `aspaudit setup`, or give the user the privilege to update the state index's mapping): %w", err)
			}
			log.Warn("preparing the state index for leases failed; retried", "err", err)
		}
	}
	id := replicaID(cfg)
	m.leases.enable(m.reg, id)
	return &ingest.Sharing{Store: out.Leases, Replica: id, TTL: cfg.Pipeline.LeaseTTL, Observer: m.leases}, nil
}

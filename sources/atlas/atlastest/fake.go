package atlastest

import (
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"time"
)

// Config sets up a Fake. The zero value serves nothing to nobody: set at
// least one credential.
type Config struct {
	// A service account, used at the token endpoint.
	ClientID, ClientSecret string
	// TokenTTL is the lifetime of issued tokens; zero means one hour.
	TokenTTL time.Duration
	// A programmatic API key, checked by HTTP Digest.
	PublicKey, PrivateKey string

	// Versions the fake serves; empty means 2023-02-01. Retired versions
	// answer 410, unknown ones 406.
	Versions []string
	Retired  []string
	// OperationalVersions are the versions of the operational-log
	// download; empty means OperationalVersion (2025-03-12). Others
	// answer 406.
	OperationalVersions []string
	// MaxItemsPerPage caps the workspace list's pages; zero means 500.
	MaxItemsPerPage int

	Body Body
	// AuditAccess appends an "audit log accessed" line to a workspace given
	// by AddWorkspace after each download of it, as Atlas does. Off by
	// default: it changes what later windows hold.
	AuditAccess bool
	Faults      Faults
	// RateLimit is the per-project token bucket of the Streams endpoints;
	// the zero value is off (AtlasRateLimit gives Atlas's numbers).
	RateLimit RateLimit
	// Seed makes random faults repeatable.
	Seed uint64
}

// Fake is the fake Atlas API. It is safe for concurrent use.
type Fake struct {
	cfg Config
	mux *http.ServeMux

	mu       sync.Mutex
	projects map[string]map[string]*workspace
	meta     map[string]projectMeta
	tokens   map[string]time.Time
	nonces   map[string]bool
	rules    []*Rule
	buckets  map[string]*bucket
	log      []Request
	rng      *rand.Rand
}

// New returns a fake with no project yet.
func New(cfg Config) *Fake {
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = time.Hour
	}
	if len(cfg.Versions) == 0 {
		cfg.Versions = []string{"2023-02-01"}
	}
	if len(cfg.OperationalVersions) == 0 {
		cfg.OperationalVersions = []string{OperationalVersion}
	}
	if cfg.MaxItemsPerPage <= 0 {
		cfg.MaxItemsPerPage = 500
	}
	cfg.Faults = cfg.Faults.withDefaults()
	f := &Fake{
		cfg:      cfg,
		projects: map[string]map[string]*workspace{},
		meta:     map[string]projectMeta{},
		tokens:   map[string]time.Time{},
		nonces:   map[string]bool{},
		buckets:  map[string]*bucket{},
		rng:      rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x5eed)),
	}
	f.mux = http.NewServeMux()
	f.mux.HandleFunc("POST /api/oauth/token", f.serveToken)
	f.mux.HandleFunc("GET /api/atlas/v2/groups/{groupId}/streams", f.serveStreams)
	f.mux.HandleFunc("GET /api/atlas/v2/groups/{groupId}/streams/{tenantName}/auditLogs", f.serveAuditLogs)
	f.mux.HandleFunc("GET /api/atlas/v2/groups/{groupId}/streams/{segment}", f.serveStreamsAction)
	f.mux.HandleFunc("GET /api/atlas/v2/groups", f.serveGroups)
	f.mux.HandleFunc("GET /api/atlas/v2/orgs/{orgId}/groups", f.serveOrgGroups)
	f.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("ok\n")) })
	f.mux.HandleFunc("/", f.serveOther)
	return f
}

// ServeHTTP answers one request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) { f.mux.ServeHTTP(w, r) }

// SetFaults replaces the random faults from now on.
func (f *Fake) SetFaults(fs Faults) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg.Faults = fs.withDefaults()
}

// SetBody replaces the body shape from now on.
func (f *Fake) SetBody(b Body) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.cfg.Body = b
}

// Server is a Fake listening on a loopback address.
type Server struct {
	*Fake
	// URL is the base URL, e.g. http://127.0.0.1:34567.
	URL string
	srv *httptest.Server
}

// NewServer starts a fake on a loopback port; Close stops it.
func NewServer(cfg Config) *Server {
	f := New(cfg)
	s := httptest.NewServer(f)
	return &Server{Fake: f, URL: s.URL, srv: s}
}

// Close stops the server, ending open connections.
func (s *Server) Close() {
	s.srv.CloseClientConnections()
	s.srv.Close()
}

func (f *Fake) versions() (served, retired []string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.cfg.Versions), slices.Clone(f.cfg.Retired)
}

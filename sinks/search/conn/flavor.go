package conn

import (
	"fmt"
	"strconv"
	"strings"
)

// Flavor is the search product a cluster runs.
type Flavor string

// The flavours aspaudit speaks to.
const (
	Elasticsearch Flavor = "elasticsearch"
	OpenSearch    Flavor = "opensearch"
)

// String returns the product's name as users write it.
func (f Flavor) String() string {
	switch f {
	case Elasticsearch:
		return "Elasticsearch"
	case OpenSearch:
		return "OpenSearch"
	}
	return "unknown"
}

// Server says what a cluster runs: its flavour and version.
type Server struct {
	Flavor Flavor
	// Version is the version number as the server reports it ("8.19.2").
	Version string
	// Major and Minor are parsed from Version.
	Major, Minor int
}

// AtLeast reports whether the server's version is major.minor or later.
func (s Server) AtLeast(major, minor int) bool {
	return s.Major > major || (s.Major == major && s.Minor >= minor)
}

// String returns, for example, "OpenSearch 2.19.1".
func (s Server) String() string { return s.Flavor.String() + " " + s.Version }

// newServer parses version into a Server.
func newServer(f Flavor, version string) (Server, error) {
	s := Server{Flavor: f, Version: version}
	parts := strings.SplitN(version, ".", 3)
	if len(parts) < 2 {
		return s, fmt.Errorf("unexpected version number %q", version)
	}
	var err1, err2 error
	s.Major, err1 = strconv.Atoi(parts[0])
	s.Minor, err2 = strconv.Atoi(parts[1])
	if err1 != nil || err2 != nil {
		return s, fmt.Errorf("unexpected version number %q", version)
	}
	return s, nil
}

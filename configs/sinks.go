package configs

// The sink types aspaudit is built with: each registers itself (sink.type,
// its sink.<type> section) with package sinks when imported.
import (
	_ "github.com/aspaudit/aspaudit/sinks/file"   // file
	_ "github.com/aspaudit/aspaudit/sinks/search" // elasticsearch, opensearch
)

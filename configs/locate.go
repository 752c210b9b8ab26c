package configs

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// EnvConfigFile names the configuration file when --config is not given.
// It is not a configuration key, though it starts with EnvPrefix.
const EnvConfigFile = EnvPrefix + "CONFIG"

// EnvProfileListen names the variable that, set to an address, makes the
// command serve Go's runtime profiles there (a measuring tool, off by
// default); it is no configuration key.
const EnvProfileListen = EnvPrefix + "DEBUG_PPROF_LISTEN"

// DefaultSearchPath lists where the configuration file is looked for when
// neither --config nor ASPAUDIT_CONFIG names one: the first that exists.
var DefaultSearchPath = []string{"./aspaudit.yaml", "/etc/aspaudit/aspaudit.yaml"}

// FileChoice is the configuration file a command reads and why.
type FileChoice struct {
	// Path is the file; empty means none (defaults, environment, flags).
	Path string
	// Via says how it was chosen: "--config", EnvConfigFile or
	// "search path"; empty when there is no file.
	Via string
}

// String says which file is used and how it was found, for logs.
func (c FileChoice) String() string {
	if c.Path == "" {
		return "none (no --config, " + EnvConfigFile + " unset, none of " + strings.Join(DefaultSearchPath, ", ") + " exists)"
	}
	return c.Path + " (from " + c.Via + ")"
}

// FindFile chooses the configuration file: flag (--config) if set, else
// the file ASPAUDIT_CONFIG names in environ, else the first of search that
// exists. A file named by the flag or the variable must exist; one found
// on the search path is reported by its absolute path.
func FindFile(flag string, environ []string, search []string) (FileChoice, error) {
	if flag != "" {
		return FileChoice{Path: flag, Via: "--config"}, nil
	}
	if p := envMap(environ)[EnvConfigFile]; p != "" {
		if _, err := os.Stat(p); err != nil {
			return FileChoice{}, fmt.Errorf("%s=%s: %w", EnvConfigFile, p, statProblem(err))
		}
		return FileChoice{Path: p, Via: EnvConfigFile}, nil
	}
	for _, p := range search {
		_, err := os.Stat(p)
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if abs, aerr := filepath.Abs(p); aerr == nil {
			p = abs
		}
		if err != nil {
			return FileChoice{}, fmt.Errorf("configuration file %s on the search path: %w", p, statProblem(err))
		}
		return FileChoice{Path: p, Via: "search path"}, nil
	}
	return FileChoice{}, nil
}

func statProblem(err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return errors.New("no such file: set it to the path of an existing YAML file, or unset it")
	}
	return err
}

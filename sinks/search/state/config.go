package state

import (
	"errors"
	"fmt"
	"strings"
)

// Config names the indices holding aspaudit's state. Its keys sit in the
// sink's section.
type Config struct {
	// StateIndex holds the checkpoints, one document per series.
	StateIndex string `koanf:"state_index"`
	// DeadLetterIndex, when set, receives the events the cluster refused
	// (suggested: DefaultDeadLetterIndex). Empty means dead letters go to
	// the NDJSON file under the data directory.
	DeadLetterIndex string `koanf:"dead_letter_index"`
}

// DefaultStateIndex is the default checkpoint index.
const DefaultStateIndex = "aspaudit-state"

// DefaultDeadLetterIndex is the suggested dead-letter index.
const DefaultDeadLetterIndex = "aspaudit-dead-letter"

// NewDefaultConfig returns the state in "aspaudit-state" and dead letters
// in a file.
func NewDefaultConfig() Config { return Config{StateIndex: DefaultStateIndex} }

// Validate reports every problem at once, each prefixed by its key.
func (c Config) Validate() error {
	var errs []error
	if err := validIndexName(c.StateIndex); err != nil {
		errs = append(errs, fmt.Errorf("state_index: %w", err))
	}
	if c.DeadLetterIndex != "" {
		if err := validIndexName(c.DeadLetterIndex); err != nil {
			errs = append(errs, fmt.Errorf("dead_letter_index: %w", err))
		} else if c.DeadLetterIndex == c.StateIndex {
			errs = append(errs, errors.New("dead_letter_index: must differ from state_index"))
		}
	}
	return errors.Join(errs...)
}

// CheckNames reports the state indices whose names match the audit
// indices' pattern "<prefix>-*": the audit template would apply to them.
// The configuration loader calls it with the sink's index prefix.
func (c Config) CheckNames(prefix string) error {
	var errs []error
	for _, kn := range [][2]string{{"state_index", c.StateIndex}, {"dead_letter_index", c.DeadLetterIndex}} {
		if kn[1] != "" && strings.HasPrefix(kn[1], prefix+"-") {
			errs = append(errs, fmt.Errorf("%s: %q matches the audit indices' pattern %s-*; choose a name outside it", kn[0], kn[1], prefix))
		}
	}
	return errors.Join(errs...)
}

// validIndexName applies the rules both products enforce on index names.
func validIndexName(n string) error {
	switch {
	case n == "":
		return errors.New("must not be empty")
	case n == "." || n == "..":
		return errors.New(`must not be "." or ".."`)
	case len(n) > 255:
		return errors.New("must be at most 255 bytes")
	case strings.ToLower(n) != n:
		return errors.New("must be lower case")
	case strings.ContainsAny(n[:1], "-_+"):
		return errors.New("must not start with -, _ or +")
	case strings.ContainsAny(n, `\/*?"<>| ,#:`):
		return errors.New(`must not contain any of \ / * ? " < > | , # : or a space`)
	}
	return nil
}

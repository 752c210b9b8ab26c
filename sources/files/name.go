package files

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/pipeline"
)

// nameSuffixes end the names Atlas gives the downloads of a log type (the
// second one after a user gunzipped the file).
func nameSuffixes(t pipeline.LogType) []string {
	gz := t.ArchiveSuffix()
	return []string{gz, strings.TrimSuffix(gz, ".gz")}
}

// NameRule turns archive file names into windows.
type NameRule struct {
	// ProjectID is the Atlas project the archives belong to; file names do
	// not carry it. Required.
	ProjectID string
	// Workspace, when set, is the workspace of every archive: it settles
	// names where workspace and processor cannot be told apart, and names
	// the workspace of files whose names follow no Atlas pattern.
	Workspace string
	// Known lists workspace names known to exist (from the configuration or
	// from discovery); they settle ambiguous names when Workspace is empty.
	Known []string
	// LogType is the log the archives hold (the zero value: the audit
	// log); names end with its suffix, and an archive named as another log
	// type's is an error, never read as this one.
	LogType pipeline.LogType
}

// WindowFromName is NameRule{ProjectID: projectID, Workspace: workspace}.Window(path).
func WindowFromName(projectID, workspace, path string) (pipeline.Window, error) {
	return NameRule{ProjectID: projectID, Workspace: workspace}.Window(path)
}

// Window returns the window an archive holds, read from its base name.
//
// In "<prefix>_<start>_<end>_audit.log.gz" the prefix is "<workspace>" or
// "<workspace>_<processor>", and both names may contain underscores, so the
// prefix is split at none or at one of its underscores. The rule, which
// never guesses:
//
//  1. with r.Workspace set, the split whose workspace equals it wins, and a
//     prefix that does not begin with it is an error;
//  2. otherwise, if exactly one split names a workspace in r.Known, it wins;
//  3. otherwise a prefix without underscore is the workspace alone;
//  4. anything else is ambiguous: an error lists the readings and asks for
//     the workspace.
//
// A name that does not follow the pattern yields r.Workspace with zero
// Start and End (an error when r.Workspace is empty).
func (r NameRule) Window(path string) (pipeline.Window, error) {
	if r.ProjectID == "" {
		return pipeline.Window{}, errors.New("naming archive: the project id is required")
	}
	base := filepath.Base(path)
	if err := r.checkLogType(base); err != nil {
		return pipeline.Window{}, err
	}
	prefix, start, end, ok := splitName(base, r.LogType)
	if !ok {
		return r.unnamed(base)
	}
	if !start.Before(end) {
		return pipeline.Window{}, fmt.Errorf("archive %s: its start %s is not before its end %s", base, start.Format(time.RFC3339), end.Format(time.RFC3339))
	}
	ws, proc, err := r.pick(base, prefix)
	if err != nil {
		return pipeline.Window{}, err
	}
	return pipeline.Window{
		Series: pipeline.Series{ProjectID: r.ProjectID, Workspace: ws, Processor: proc, LogType: r.LogType},
		Start:  start, End: end,
	}, nil
}

func (r NameRule) unnamed(base string) (pipeline.Window, error) {
	if r.Workspace == "" {
		return pipeline.Window{}, fmt.Errorf("archive %s: its name is not <workspace>[_<processor>]_<start>_<end>_audit.log.gz, so it does not say its workspace: give the workspace explicitly", base)
	}
	return pipeline.Window{Series: pipeline.Series{ProjectID: r.ProjectID, Workspace: r.Workspace, LogType: r.LogType}}, nil
}

// splitName cuts "<prefix>_<start>_<end>_audit.log[.gz]" into its parts.
// checkLogType refuses an archive named as another log type's.
func (r NameRule) checkLogType(base string) error {
	for _, t := range pipeline.LogTypes {
		if t == r.LogType {
			continue
		}
		for _, suf := range nameSuffixes(t) {
			if strings.HasSuffix(base, suf) {
				return fmt.Errorf("archive %s is named as an %s log archive, not an %s log one: import it with --log-type %s", base, t.Name(), r.LogType.Name(), t.Name())
			}
		}
	}
	return nil
}

func splitName(base string, t pipeline.LogType) (prefix string, start, end time.Time, ok bool) {
	var rest string
	for _, suf := range nameSuffixes(t) {
		if s, found := strings.CutSuffix(base, suf); found {
			rest, ok = s, true
			break
		}
	}
	if !ok {
		return "", time.Time{}, time.Time{}, false
	}
	i := strings.LastIndexByte(rest, '_')
	j := strings.LastIndexByte(rest[:max(i, 0)], '_')
	if i < 0 || j <= 0 {
		return "", time.Time{}, time.Time{}, false
	}
	start, err1 := parseStamp(rest[j+1 : i])
	end, err2 := parseStamp(rest[i+1:])
	if err1 != nil || err2 != nil {
		return "", time.Time{}, time.Time{}, false
	}
	return rest[:j], start, end, true
}

// parseStamp reads an RFC 3339 time as a whole second in UTC.
func parseStamp(s string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, s)
	return t.UTC().Truncate(time.Second), err
}

type reading struct{ workspace, processor string }

// readings lists every way to read prefix: the whole as the workspace, or a
// split at one underscore.
func readings(prefix string) []reading {
	out := []reading{{workspace: prefix}}
	for i := 0; i < len(prefix); i++ {
		if prefix[i] == '_' && i > 0 && i < len(prefix)-1 {
			out = append(out, reading{workspace: prefix[:i], processor: prefix[i+1:]})
		}
	}
	return out
}

func (r NameRule) pick(base, prefix string) (string, string, error) {
	all := readings(prefix)
	if r.Workspace != "" {
		for _, c := range all {
			if c.workspace == r.Workspace {
				return c.workspace, c.processor, nil
			}
		}
		return "", "", fmt.Errorf("archive %s: its name begins with %q, not with the workspace %q given: check the file or the workspace", base, prefix, r.Workspace)
	}
	var known []reading
	for _, c := range all {
		if slices.Contains(r.Known, c.workspace) {
			known = append(known, c)
		}
	}
	switch {
	case len(known) == 1:
		return known[0].workspace, known[0].processor, nil
	case len(all) == 1:
		return all[0].workspace, "", nil
	}
	return "", "", fmt.Errorf("archive %s: %q can be read as %s: give the workspace explicitly", base, prefix, describe(all))
}

func describe(rs []reading) string {
	parts := make([]string, len(rs))
	for i, c := range rs {
		if c.processor == "" {
			parts[i] = fmt.Sprintf("workspace %q", c.workspace)
		} else {
			parts[i] = fmt.Sprintf("workspace %q with processor %q", c.workspace, c.processor)
		}
	}
	return strings.Join(parts, " or ")
}

package oplog

import (
	"regexp"
	"strings"
)

// Member names read from JSON lines, in order of preference; mongod's own
// come first.
var (
	levelKeys     = []string{"s", "level", "severity", "lvl", "loglevel", "log.level"}
	loggerKeys    = []string{"c", "logger", "component", "logger_name", "log.logger", "module"}
	messageKeys   = []string{"msg", "message", "text", "log"}
	processorKeys = []string{"processorName", "processor", "spName", "streamProcessor", "stream_processor", "processor_name"}
)

// readJSON reads a JSON object line; the members it does not map stay in
// rest.
func readJSON(obj map[string]any) fields {
	f := fields{format: "json"}
	if _, ok := obj["t"]; ok && obj["s"] != nil && obj["msg"] != nil {
		f.format = "mongod"
	}
	for _, k := range timeKeys {
		if t, ok := timeOf(obj[k]); ok && plausible(t) {
			f.time, f.hasTime = t, true
			delete(obj, k)
			break
		}
	}
	f.level = normalizeLevel(take(obj, levelKeys))
	f.logger = take(obj, loggerKeys)
	f.message = take(obj, messageKeys)
	if f.format == "mongod" {
		f.code = take(obj, []string{"id"})
		f.thread = take(obj, []string{"ctx"})
	}
	f.processor = processorOf(obj)
	if len(obj) > 0 {
		f.rest = bound(obj, 0).(map[string]any)
	}
	return f
}

// take returns the first of keys whose value is text, removing it.
func take(obj map[string]any, keys []string) string {
	for _, k := range keys {
		if s, ok := text(obj[k]); ok && s != "" {
			delete(obj, k)
			return s
		}
	}
	return ""
}

// processorOf finds a processor name at the top level or in mongod's attr,
// leaving it in place (it stays searchable where the line put it).
func processorOf(obj map[string]any) string {
	for _, m := range []any{obj, obj["attr"]} {
		if m, ok := m.(map[string]any); ok {
			for _, k := range processorKeys {
				if s, ok := m[k].(string); ok && s != "" {
					return s
				}
			}
		}
	}
	return ""
}

// maxDepth bounds the nesting kept as objects: Elasticsearch's flattened
// type refuses more than 20 levels; deeper values are kept as JSON text.
const maxDepth = 16

// maxValue bounds one kept text value; the whole line stays in
// event.original.
const maxValue = 8 << 10

// bound copies v with nesting below maxDepth and long strings cut.
func bound(v any, depth int) any {
	switch v := v.(type) {
	case map[string]any:
		if depth >= maxDepth {
			return compact(v)
		}
		out := make(map[string]any, len(v))
		for k, x := range v {
			out[k] = bound(x, depth+1)
		}
		return out
	case []any:
		if depth >= maxDepth {
			return compact(v)
		}
		out := make([]any, len(v))
		for i, x := range v {
			out[i] = bound(x, depth+1)
		}
		return out
	case string:
		if len(v) > maxValue {
			return strings.ToValidUTF8(v[:maxValue], "")
		}
	}
	return v
}

var (
	// leadingTime is a timestamp at the start of a text line.
	leadingTime = regexp.MustCompile(`^\s*\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?)\]?\s*`)
	// leadingLevel is a level word after it.
	leadingLevel = regexp.MustCompile(`(?i)^\[?(fatal|critical|error|err|warning|warn|info|notice|debug|trace)\]?(?:\s*:)?\s+`)
	// leadingLogger is a [component] after them.
	leadingLogger = regexp.MustCompile(`^\[([A-Za-z0-9_.:/\-]{1,64})\]:?\s*`)
	// textProcessor is "processor <name>" anywhere in the line.
	textProcessor = regexp.MustCompile(`(?i)\b(?:stream )?processor[\s:=]+"?([A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9_])`)
)

// readText reads a plain text line: a leading timestamp, level word and
// [component], each optional; the rest is the message.
func readText(line string) fields {
	f := fields{format: "text"}
	rest := line
	if m := leadingTime.FindStringSubmatchIndex(rest); m != nil {
		if t, ok := parseTimeText(rest[m[2]:m[3]]); ok && plausible(t) {
			f.time, f.hasTime = t, true
			rest = rest[m[1]:]
		}
	}
	if m := leadingLevel.FindStringSubmatch(rest); m != nil {
		f.level = normalizeLevel(m[1])
		rest = rest[len(m[0]):]
	}
	if m := leadingLogger.FindStringSubmatch(rest); m != nil {
		f.logger = m[1]
		rest = rest[len(m[0]):]
	}
	f.message = strings.TrimSpace(rest)
	if f.message == "" {
		f.message = strings.TrimSpace(line)
	}
	f.processor = textProcessorOf(line)
	return f
}

// notNames are words that follow "processor" in prose ("Stream processor
// started") rather than a processor's name.
var notNames = map[string]bool{
	"started": true, "stopped": true, "failed": true, "created": true, "dropped": true, "is": true,
	"was": true, "has": true, "error": true, "state": true, "name": true, "the": true, "for": true, "with": true,
}

// textProcessorOf returns the last "processor <name>" of a text line whose
// name is not a word of prose.
func textProcessorOf(line string) string {
	ms := textProcessor.FindAllStringSubmatch(line, -1)
	for i := len(ms) - 1; i >= 0; i-- {
		if !notNames[strings.ToLower(ms[i][1])] {
			return ms[i][1]
		}
	}
	return ""
}

// normalizeLevel maps mongod's severities (F, E, W, I, D1-D5) and common
// level words to fatal, error, warn, info, debug and trace; others are
// kept lowercased.
func normalizeLevel(s string) string {
	l := strings.ToLower(strings.TrimSpace(s))
	switch {
	case l == "":
		return ""
	case l == "f" || l == "fatal" || l == "critical" || l == "crit" || l == "panic":
		return "fatal"
	case l == "e" || l == "error" || l == "err":
		return "error"
	case l == "w" || l == "warn" || l == "warning":
		return "warn"
	case l == "i" || l == "info" || l == "information" || l == "notice" || l == "log":
		return "info"
	case l == "d" || l == "debug" || len(l) == 2 && l[0] == 'd' && l[1] >= '1' && l[1] <= '5':
		return "debug"
	case l == "trace":
		return "trace"
	}
	return l
}

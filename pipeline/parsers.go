package pipeline

// Parsers routes each line to the parser of its window's log type and
// marks the event with that log type. A log type without a parser of its
// own is parsed by the audit log's parser (so no line is lost) and still
// marked with its log type. Parsers is safe for concurrent use when its
// parsers are, and must not change once in use.
type Parsers map[LogType]Parser

var _ Parser = Parsers(nil)

// Parse parses line with the parser of w.LogType.
func (p Parsers) Parse(line []byte, w Window) (Event, error) {
	parser, ok := p[w.LogType]
	if !ok {
		parser = p[AuditLog]
	}
	e, err := parser.Parse(line, w)
	e.LogType = w.LogType
	return e, err
}

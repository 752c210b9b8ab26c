package atlastest

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// OpShape chooses the line shapes an OperationalGenerator writes. The
// operational log's format is not documented publicly, so the fake serves
// the three shapes to expect.
type OpShape int

// The operational line shapes.
const (
	OpMixed  OpShape = iota // each line picks one at random
	OpMongod                // mongod-style structured JSON: {"t":{"$date":…},"s":"I","c":…,"id":…,"ctx":…,"msg":…,"attr":{…}}
	OpJSON                  // another JSON shape: {"timestamp":…,"level":…,"logger":…,"message":…,"processor":…}
	OpText                  // plain text, most with a leading timestamp
)

// OperationalGenerator makes repeatable operational log lines about
// stream processors: starts, checkpoints, connection errors, DLQ writes,
// warnings about lag. Line i depends only on Seed and i.
type OperationalGenerator struct {
	Seed       uint64
	Shape      OpShape
	Processors []string // default: solarDemo, orders_enrich, clicks-5m
}

// Lines returns n lines spread over [start, end), sorted by time.
func (g OperationalGenerator) Lines(start, end time.Time, n int) []Line {
	return slotLines(start, end, n, g.Seed, g.Line)
}

// Func returns a LogFunc serving the same lines as Lines(start, end, n)
// without holding them.
func (g OperationalGenerator) Func(start, end time.Time, n int) LogFunc {
	return slotFunc(start, end, n, g.Seed, g.Line)
}

// opMessage is one kind of operational event.
type opMessage struct {
	severity string // mongod's s: F, E, W, I, D1
	level    string // the other shapes' level
	comp     string // mongod's c, the others' logger
	id       int
	msg      string
}

var opMessages = []opMessage{
	{"I", "info", "STREAMS", 8910001, "Stream processor started"},
	{"I", "info", "STREAMS", 8910002, "Checkpoint committed"},
	{"W", "warn", "STREAMS", 8910003, "Source lag above threshold"},
	{"E", "error", "NETWORK", 8910004, "Connection to source failed"},
	{"E", "error", "STREAMS", 8910005, "Document written to dead letter queue"},
	{"I", "info", "CONTROL", 8910006, "Stream processor stopped"},
	{"D1", "debug", "STREAMS", 8910007, "Window closed"},
}

// Line returns line i at time t.
func (g OperationalGenerator) Line(i int, t time.Time) Line {
	r := rand.New(rand.NewPCG(g.Seed^0x0b5, uint64(i)))
	procs := g.Processors
	if len(procs) == 0 {
		procs = []string{"solarDemo", "orders_enrich", "clicks-5m"}
	}
	m := opMessages[r.IntN(len(opMessages))]
	proc := procs[r.IntN(len(procs))]
	shape := g.Shape
	if shape == OpMixed {
		shape = OpShape(1 + r.IntN(3))
	}
	n := r.IntN(100000)
	var text string
	switch shape {
	case OpMongod:
		text = fmt.Sprintf(`{"t":{"$date":%s},"s":%s,"c":%s,"id":%d,"ctx":%s,"msg":%s,"attr":{"processorName":%s,"seq":%d,"partition.id":%d}}`,
			q(t.Format("2006-01-02T15:04:05.000Z07:00")), q(m.severity), q(m.comp), m.id, q("sp-"+proc), q(m.msg), q(proc), i, n%8)
	case OpJSON:
		text = fmt.Sprintf(`{"timestamp":%s,"level":%s,"logger":%s,"message":%s,"processor":%s,"details":{"seq":%d,"offset":%d}}`,
			q(t.Format(time.RFC3339Nano)), q(m.level), q("streams."+m.comp), q(m.msg), q(proc), i, n)
	default:
		text = fmt.Sprintf("%s %s [%s] %s (processor %s, seq %d)", t.Format("2006-01-02T15:04:05.000Z"), m.level, m.comp, m.msg, proc, i)
		if r.IntN(10) == 0 {
			text = fmt.Sprintf("\tat stream step %d of processor %s (seq %d)", n%12, proc, i)
		}
	}
	return Line{Time: t, Processor: proc, Text: text}
}

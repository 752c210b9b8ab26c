package atlastest

import (
	"math/rand/v2"
	"slices"
	"time"
)

// Schema chooses the line formats a Generator writes.
type Schema int

// The schemas of atlas-api.md.
const (
	Mixed Schema = iota // each line picks one at random
	Mongo               // MongoDB's own audit schema
	OCSF                // the OCSF classes
)

// Generator makes realistic, distinct audit lines: authentication success
// and failure, logout, stream processor create/start/stop/drop, process,
// sample and audit log access. Line i depends only on Seed and i, so
// generated sets are repeatable and can be produced on the fly.
type Generator struct {
	Seed       uint64
	Schema     Schema
	Processors []string // default: solarDemo, orders_enrich, clicks-5m
	Users      []string // default: alice, bob, svc-etl
	// NotJSON is the share of lines that are not JSON at all (a quirk
	// seen in real logs); zero by default.
	NotJSON float64
}

// GenerateLines returns n lines spread over [start, end), sorted by time,
// from Generator{Seed: seed}.
func GenerateLines(seed uint64, start, end time.Time, n int) []Line {
	return Generator{Seed: seed}.Lines(start, end, n)
}

// Lines returns n lines spread over [start, end), sorted by time.
func (g Generator) Lines(start, end time.Time, n int) []Line {
	return slotLines(start, end, n, g.Seed, g.Line)
}

// Func returns a LogFunc serving the same lines as Lines(start, end, n)
// without holding them: each is made when a query reaches it.
func (g Generator) Func(start, end time.Time, n int) LogFunc {
	return slotFunc(start, end, n, g.Seed, g.Line)
}

// slotLines returns the n lines line makes for the n time slots of
// [start, end), sorted by time.
func slotLines(start, end time.Time, n int, seed uint64, line func(i int, t time.Time) Line) []Line {
	out := make([]Line, 0, n)
	for i := range n {
		out = append(out, line(i, slotTime(start, end, n, i, seed)))
	}
	return out
}

// slotFunc is a LogFunc serving slotLines' lines without holding them:
// each is made when a query reaches its slot.
func slotFunc(start, end time.Time, n int, seed uint64, line func(i int, t time.Time) Line) LogFunc {
	return func(q Query, yield func([]byte) bool) {
		for i := max(0, slotIndex(start, end, n, q.Start)-1); i < n; i++ {
			t := slotTime(start, end, n, i, seed)
			if !t.Before(q.End) {
				return
			}
			if t.Before(q.Start) {
				continue
			}
			l := line(i, t)
			if q.Processor != "" && l.Processor != q.Processor {
				continue
			}
			if !yield([]byte(l.Text)) {
				return
			}
		}
	}
}

// slotTime places line i in the i-th of n equal slots of [start, end), at a
// repeatable offset inside its slot, truncated to the millisecond.
func slotTime(start, end time.Time, n, i int, seed uint64) time.Time {
	slot := end.Sub(start) / time.Duration(max(n, 1))
	r := rand.New(rand.NewPCG(seed^0x51a7, uint64(i)))
	off := time.Duration(0)
	if slot > 0 {
		off = time.Duration(r.Int64N(int64(slot)))
	}
	return start.Add(slot*time.Duration(i) + off).Truncate(time.Millisecond).UTC()
}

// slotIndex is the slot holding t.
func slotIndex(start, end time.Time, n int, t time.Time) int {
	slot := end.Sub(start) / time.Duration(max(n, 1))
	if slot <= 0 || t.Before(start) {
		return 0
	}
	return int(t.Sub(start) / slot)
}

// Line returns line i at time t.
func (g Generator) Line(i int, t time.Time) Line {
	r := rand.New(rand.NewPCG(g.Seed, uint64(i)))
	procs := g.Processors
	if len(procs) == 0 {
		procs = []string{"solarDemo", "orders_enrich", "clicks-5m"}
	}
	users := g.Users
	if len(users) == 0 {
		users = []string{"alice", "bob", "svc-etl"}
	}
	e := event{
		time: t, action: pickAction(r), user: users[r.IntN(len(users))], processor: procs[r.IntN(len(procs))],
		uuid: randomBytes(r, 16), clientIP: randomIP(r), clientPort: 1024 + r.IntN(60000),
		serverIP: "10.12.0." + itoa(2+r.IntN(200)),
	}
	if !e.action.processor {
		e.processor = ""
	}
	if g.NotJSON > 0 && r.Float64() < g.NotJSON {
		return Line{Time: t, Processor: e.processor, Text: e.garbage()}
	}
	ocsf := g.Schema == OCSF || g.Schema == Mixed && r.IntN(2) == 0
	if ocsf {
		return Line{Time: t, Processor: e.processor, Text: e.ocsf()}
	}
	return Line{Time: t, Processor: e.processor, Text: e.mongo()}
}

// action is one kind of audited operation.
type action struct {
	name      string
	fail      bool // authentication failure
	processor bool // names a stream processor
	activity  int  // OCSF activity_id
	weight    int
}

var actions = []action{
	{name: "authenticate", activity: 1, weight: 30},
	{name: "authenticate", fail: true, activity: 1, weight: 10},
	{name: "logout", activity: 2, weight: 10},
	{name: "createStreamProcessor", processor: true, activity: 1, weight: 5},
	{name: "startStreamProcessor", processor: true, activity: 3, weight: 8},
	{name: "stopStreamProcessor", processor: true, activity: 3, weight: 7},
	{name: "dropStreamProcessor", processor: true, activity: 4, weight: 3},
	{name: "processStreamProcessor", activity: 2, weight: 12},
	{name: "sampleStreamProcessor", processor: true, activity: 2, weight: 10},
	{name: "auditLogAccessed", activity: 2, weight: 5},
}

func pickAction(r *rand.Rand) action {
	total := 0
	for _, a := range actions {
		total += a.weight
	}
	n := r.IntN(total)
	i := slices.IndexFunc(actions, func(a action) bool { n -= a.weight; return n < 0 })
	return actions[i]
}

func randomBytes(r *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func randomIP(r *rand.Rand) string {
	return "203.0." + itoa(113+r.IntN(3)) + "." + itoa(1+r.IntN(254))
}

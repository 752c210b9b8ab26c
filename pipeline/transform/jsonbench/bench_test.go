package jsonbench

import (
	stdjson "encoding/json"
	"sort"
	"syscall"
	"testing"
	"time"

	"github.com/aspaudit/aspaudit/pipeline/transform"
	"github.com/aspaudit/aspaudit/pipeline/transform/internal/corpus"
	"github.com/aspaudit/aspaudit/pipeline/transform/jsonbench/libpath"
	"github.com/buger/jsonparser"
	"github.com/bytedance/sonic"
	gojson "github.com/goccy/go-json"
	"github.com/tidwall/gjson"
	"github.com/valyala/fastjson"
)

var lines = corpus.Mixed(4096)

const projectID, workspace = "5f1d7e3a2b4c6d8e9f0a1b2c", "prod-streams"

func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// run reports lines/s of wall time and of CPU time (the machine is shared:
// the CPU-time figure is the per-core rate to compare).
func run(b *testing.B, each func(line []byte)) {
	b.ReportAllocs()
	b.ResetTimer()
	cpu0 := cpuTime()
	for i := 0; i < b.N; i++ {
		each(lines[i%len(lines)])
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(b.N)/cpu.Seconds(), "lines/cpu-s")
	}
}

// line and doc are the typed input and output the typed decoders use; they
// map a subset of the fields, so these figures are upper bounds.
type line struct {
	Atype string `json:"atype"`
	TS    struct {
		Date string `json:"$date"`
	} `json:"ts"`
	Users    []struct{ User, DB string } `json:"users"`
	Param    stdjson.RawMessage          `json:"param"`
	Result   *int64                      `json:"result"`
	Local    *endpoint                   `json:"local"`
	Remote   *endpoint                   `json:"remote"`
	ClassUID *int64                      `json:"class_uid"`
	Time     int64                       `json:"time"`
	StatusID int64                       `json:"status_id"`
	Actor    *struct {
		User struct{ Name string } `json:"user"`
	} `json:"actor"`
	Src      *endpoint          `json:"src_endpoint"`
	Dst      *endpoint          `json:"dst_endpoint"`
	API      stdjson.RawMessage `json:"api"`
	Unmapped stdjson.RawMessage `json:"unmapped"`
}

type endpoint struct {
	IP   string `json:"ip,omitempty"`
	Port int64  `json:"port,omitempty"`
}

type doc struct {
	Timestamp time.Time `json:"@timestamp"`
	Event     struct {
		Kind, Action, Outcome, Dataset string
		Ingested                       time.Time
		Original                       string
	} `json:"event"`
	User        *struct{ Name string } `json:"user,omitempty"`
	Source      *endpoint              `json:"source,omitempty"`
	Destination *endpoint              `json:"destination,omitempty"`
	Atlas       struct{ ProjectID, Workspace string }
	Param       stdjson.RawMessage `json:"param,omitempty"`
	API         stdjson.RawMessage `json:"api,omitempty"`
	Unmapped    stdjson.RawMessage `json:"unmapped,omitempty"`
}

func (d *doc) fill(l *line, raw []byte) {
	d.Event.Kind, d.Event.Dataset, d.Event.Ingested, d.Event.Original = "event", transform.Dataset, time.Now(), string(raw)
	d.Atlas.ProjectID, d.Atlas.Workspace = projectID, workspace
	if l.ClassUID != nil {
		d.Timestamp = time.UnixMilli(l.Time).UTC()
		if l.Actor != nil {
			d.User = &struct{ Name string }{l.Actor.User.Name}
		}
		d.Source, d.Destination, d.API, d.Unmapped = l.Src, l.Dst, l.API, l.Unmapped
		return
	}
	d.Timestamp, _ = time.Parse("2006-01-02T15:04:05.000-0700", l.TS.Date)
	d.Event.Action = l.Atype
	if len(l.Users) > 0 {
		d.User = &struct{ Name string }{l.Users[0].DB + "." + l.Users[0].User}
	}
	d.Source, d.Destination, d.Param = l.Remote, l.Local, l.Param
}

func BenchmarkSonicTyped(b *testing.B) {
	run(b, func(raw []byte) {
		var l line
		if err := sonic.Unmarshal(raw, &l); err != nil {
			b.Fatal(err)
		}
		var d doc
		d.fill(&l, raw)
		if _, err := sonic.Marshal(&d); err != nil {
			b.Fatal(err)
		}
		transform.DocumentID(projectID, workspace, raw)
	})
}

func BenchmarkSonicMap(b *testing.B) {
	run(b, func(raw []byte) {
		var l map[string]any
		if err := sonic.Unmarshal(raw, &l); err != nil {
			b.Fatal(err)
		}
		if _, err := sonic.Marshal(map[string]any{"event": map[string]any{"original": string(raw)}, "src": l}); err != nil {
			b.Fatal(err)
		}
		transform.DocumentID(projectID, workspace, raw)
	})
}

func BenchmarkGoccyTyped(b *testing.B) {
	run(b, func(raw []byte) {
		var l line
		if err := gojson.Unmarshal(raw, &l); err != nil {
			b.Fatal(err)
		}
		var d doc
		d.fill(&l, raw)
		if _, err := gojson.Marshal(&d); err != nil {
			b.Fatal(err)
		}
		transform.DocumentID(projectID, workspace, raw)
	})
}

// The generic decoders below have no typed encoder: their figures are the
// decode and field extraction alone (compare BenchmarkAltReadOnly in the
// transform), the part the hand-written tape replaces.

func BenchmarkDecodeOnlyFastjson(b *testing.B) {
	var p fastjson.Parser
	run(b, func(raw []byte) {
		v, err := p.ParseBytes(raw)
		if err != nil {
			b.Fatal(err)
		}
		if v.Exists("class_uid") {
			_ = v.GetInt64("time")
			_ = v.GetStringBytes("actor", "user", "name")
			_ = v.GetStringBytes("src_endpoint", "ip")
			for _, k := range []string{"api", "unmapped"} {
				if o := v.Get(k); o != nil {
					_ = o.MarshalTo(nil)
				}
			}
			return
		}
		_ = v.GetStringBytes("atype")
		_ = v.GetStringBytes("ts", "$date")
		_ = v.GetStringBytes("users", "0", "user")
		_ = v.GetStringBytes("remote", "ip")
		_ = v.Get("param").MarshalTo(nil)
	})
}

func BenchmarkDecodeOnlyGjson(b *testing.B) {
	run(b, func(raw []byte) {
		if !gjson.ValidBytes(raw) {
			b.Fatal("invalid")
		}
		r := gjson.GetManyBytes(raw, "class_uid", "time", "actor.user.name", "src_endpoint.ip", "api", "unmapped",
			"atype", "ts.$date", "users.0.user", "remote.ip", "param")
		_ = r
	})
}

func BenchmarkDecodeOnlyJsonparser(b *testing.B) {
	paths := [][]string{{"class_uid"}, {"time"}, {"actor", "user", "name"}, {"src_endpoint", "ip"}, {"api"}, {"unmapped"},
		{"atype"}, {"ts", "$date"}, {"users", "[0]", "user"}, {"remote", "ip"}, {"param"}}
	run(b, func(raw []byte) {
		// jsonparser does not validate: a real use would need a
		// validation pass on top of this figure.
		jsonparser.EachKey(raw, func(int, []byte, jsonparser.ValueType, error) {}, paths...)
	})
}

func BenchmarkDecodeOnlyStdlibValid(b *testing.B) {
	run(b, func(raw []byte) {
		if !stdjson.Valid(raw) {
			b.Fatal("invalid")
		}
	})
}

// BenchmarkTransformParse is the chosen approach, for the same run.
func BenchmarkTransformParse(b *testing.B) {
	p := transform.New(transform.NewDefaultConfig())
	run(b, func(raw []byte) {
		if _, err := p.Parse(raw, benchWindow); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkFull is each library producing the engine's output: the full
// document with every repair, and the id (see libpath and its
// TestSameOutput*). encoding/json/v2 is among them when built with
// GOEXPERIMENT=jsonv2.
func BenchmarkFull(b *testing.B) {
	for _, name := range codecNames() {
		b.Run(name, func(b *testing.B) {
			p := libpath.NewWith(libpath.Codecs[name])
			run(b, func(raw []byte) {
				if _, err := p.Parse(raw, benchWindow); err != nil {
					b.Fatal(err)
				}
			})
		})
	}
}

func codecNames() []string {
	names := make([]string, 0, len(libpath.Codecs))
	for name := range libpath.Codecs {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// BenchmarkFloor is the least library work of a same-output path:
// decoding each line into its members (a map: unknown members kept, keys
// told apart exactly) and encoding its full, prepared document, plus the
// id; none of the field reading, repairs or bounds. No same-output path
// on that library can be faster. "raw" encodes the free-form fields from
// the line's JSON text, as if no line needed a repair.
func BenchmarkFloor(b *testing.B) {
	for _, name := range codecNames() {
		for _, rawFreeForm := range []bool{false, true} {
			sub := name
			if rawFreeForm {
				sub += "-raw"
			}
			b.Run(sub, func(b *testing.B) { benchmarkFloor(b, libpath.NewWith(libpath.Codecs[name]), rawFreeForm) })
		}
	}
}

func benchmarkFloor(b *testing.B, p *libpath.Parser, rawFreeForm bool) {
	floors := make([]*libpath.Floor, len(lines))
	for i, l := range lines {
		floors[i] = p.NewFloor(l, benchWindow, rawFreeForm)
	}
	i := 0 // run hands the lines over in order
	run(b, func([]byte) {
		if _, err := floors[i%len(floors)].Run(); err != nil {
			b.Fatal(err)
		}
		i++
	})
}

package transform

import (
	"encoding/json"
	"testing"
	"time"
)

// The alternatives below do what BenchmarkParse does with other JSON
// approaches, so that the choice of a hand-written tape and encoder is
// backed by figures. They map a subset of the fields (time, action,
// outcome, user, endpoints, the free-form objects, atlas.*, original), so
// they do less work than the real parser: their figures are upper bounds.
// The comparison with the same output, the one the engine was kept by, is
// jsonbench's BenchmarkFull (libraries decoding and encoding the whole
// document with the engine's repairs; README, "The transform's JSON engine
// against libraries").

// altLine is a typed view of both schemas.
type altLine struct {
	Atype  string          `json:"atype"`
	TS     json.RawMessage `json:"ts"`
	Users  []altName       `json:"users"`
	Param  json.RawMessage `json:"param"`
	Result *int64          `json:"result"`
	Local  *altEndpoint    `json:"local"`
	Remote *altEndpoint    `json:"remote"`

	ClassUID   *int64          `json:"class_uid"`
	ActivityID int64           `json:"activity_id"`
	Time       int64           `json:"time"`
	StatusID   int64           `json:"status_id"`
	Actor      *altActor       `json:"actor"`
	Src        *altEndpoint    `json:"src_endpoint"`
	Dst        *altEndpoint    `json:"dst_endpoint"`
	API        json.RawMessage `json:"api"`
	Unmapped   json.RawMessage `json:"unmapped"`
}

type altName struct {
	User string `json:"user"`
	DB   string `json:"db"`
}

type altEndpoint struct {
	IP   string `json:"ip,omitempty"`
	Port int64  `json:"port,omitempty"`
}

type altActor struct {
	User struct {
		Name string `json:"name"`
	} `json:"user"`
}

// altDoc is the typed output document.
type altDoc struct {
	Timestamp time.Time `json:"@timestamp"`
	Event     struct {
		Kind     string    `json:"kind"`
		Action   string    `json:"action"`
		Outcome  string    `json:"outcome"`
		Dataset  string    `json:"dataset"`
		Ingested time.Time `json:"ingested"`
		Original string    `json:"original"`
	} `json:"event"`
	User        *struct{ Name string } `json:"user,omitempty"`
	Source      *altEndpoint           `json:"source,omitempty"`
	Destination *altEndpoint           `json:"destination,omitempty"`
	Atlas       struct {
		Project struct {
			ID string `json:"id"`
		} `json:"project"`
		Streams struct {
			Workspace string `json:"workspace"`
		} `json:"streams"`
	} `json:"atlas"`
	Mongo *struct {
		Param json.RawMessage `json:"param,omitempty"`
	} `json:"mongodb,omitempty"`
	OCSF *struct {
		API      json.RawMessage `json:"api,omitempty"`
		Unmapped json.RawMessage `json:"unmapped,omitempty"`
	} `json:"ocsf,omitempty"`
}

// fill maps a typed line into the typed document.
func (d *altDoc) fill(l *altLine, line []byte, ingested time.Time) {
	d.Event.Kind, d.Event.Dataset, d.Event.Ingested, d.Event.Original = "event", Dataset, ingested, string(line)
	d.Atlas.Project.ID, d.Atlas.Streams.Workspace = benchWindow.ProjectID, benchWindow.Workspace
	if l.ClassUID != nil {
		d.Timestamp = time.UnixMilli(l.Time).UTC()
		d.Event.Outcome = map[int64]string{1: "success", 2: "failure"}[l.StatusID]
		if l.Actor != nil {
			d.User = &struct{ Name string }{l.Actor.User.Name}
		}
		d.Source, d.Destination = l.Src, l.Dst
		d.OCSF = &struct {
			API      json.RawMessage `json:"api,omitempty"`
			Unmapped json.RawMessage `json:"unmapped,omitempty"`
		}{l.API, l.Unmapped}
		return
	}
	var ts struct {
		Date string `json:"$date"`
	}
	_ = json.Unmarshal(l.TS, &ts)
	d.Timestamp, _ = time.Parse("2006-01-02T15:04:05.000-0700", ts.Date)
	d.Event.Action = l.Atype
	if l.Result != nil && *l.Result == 0 {
		d.Event.Outcome = "success"
	}
	if len(l.Users) > 0 {
		d.User = &struct{ Name string }{l.Users[0].DB + "." + l.Users[0].User}
	}
	d.Source, d.Destination = l.Remote, l.Local
	d.Mongo = &struct {
		Param json.RawMessage `json:"param,omitempty"`
	}{l.Param}
}

// BenchmarkAltStdlibTyped: encoding/json into a typed struct, typed
// output with json.Marshal, plus the id.
func BenchmarkAltStdlibTyped(b *testing.B) {
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		line := benchLines[i%len(benchLines)]
		var l altLine
		if err := json.Unmarshal(line, &l); err != nil {
			b.Fatal(err)
		}
		var d altDoc
		d.fill(&l, line, time.Now())
		if _, err := json.Marshal(&d); err != nil {
			b.Fatal(err)
		}
		DocumentID(benchWindow.ProjectID, benchWindow.Workspace, line)
	}
	m.report(b)
}

// BenchmarkAltStdlibMap: encoding/json into map[string]any, a map
// document with json.Marshal, plus the id.
func BenchmarkAltStdlibMap(b *testing.B) {
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		line := benchLines[i%len(benchLines)]
		var l map[string]any
		if err := json.Unmarshal(line, &l); err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(mapDoc(l, line)); err != nil {
			b.Fatal(err)
		}
		DocumentID(benchWindow.ProjectID, benchWindow.Workspace, line)
	}
	m.report(b)
}

func mapDoc(l map[string]any, line []byte) map[string]any {
	event := map[string]any{"kind": "event", "dataset": Dataset, "ingested": time.Now(), "original": string(line)}
	doc := map[string]any{"event": event, "atlas": map[string]any{
		"project": map[string]any{"id": benchWindow.ProjectID},
		"streams": map[string]any{"workspace": benchWindow.Workspace}}}
	if _, ok := l["class_uid"]; ok {
		ms, _ := l["time"].(float64)
		doc["@timestamp"] = time.UnixMilli(int64(ms)).UTC()
		doc["source"], doc["destination"] = l["src_endpoint"], l["dst_endpoint"]
		doc["ocsf"] = map[string]any{"api": l["api"], "unmapped": l["unmapped"]}
		return doc
	}
	ts, _ := l["ts"].(map[string]any)
	date, _ := ts["$date"].(string)
	doc["@timestamp"], _ = time.Parse("2006-01-02T15:04:05.000-0700", date)
	event["action"] = l["atype"]
	doc["source"], doc["destination"] = l["remote"], l["local"]
	doc["mongodb"] = map[string]any{"audit": map[string]any{"param": l["param"]}}
	return doc
}

// BenchmarkAltTapeOnly is the tape parse alone, for the split of costs.
func BenchmarkAltTapeOnly(b *testing.B) {
	var tp tape
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		if err := tp.Parse(benchLines[i%len(benchLines)]); err != nil {
			b.Fatal(err)
		}
	}
	m.report(b)
}

// BenchmarkAltNoOriginal is the chosen parser with keep_original off.
func BenchmarkAltNoOriginal(b *testing.B) {
	benchmarkParse(b, New(Config{KeepOriginal: false}))
}

// BenchmarkAltReadOnly is the tape parse and field extraction, without the
// document or the id.
func BenchmarkAltReadOnly(b *testing.B) {
	bufs := new(buffers)
	m := startMeter(b)
	for i := 0; i < b.N; i++ {
		rec := record{tp: &bufs.tape, roles: bufs.roles[:0], extra: bufs.extra[:0]}
		if err := rec.read(benchLines[i%len(benchLines)]); err != nil {
			b.Fatal(err)
		}
		bufs.roles, bufs.extra = rec.roles[:0], rec.extra[:0]
	}
	m.report(b)
}

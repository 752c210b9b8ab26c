package gen

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// object is one saved object as an export writes it. Only the fields the
// import API reads are set: no updated_at, no version (an optimistic
// concurrency token that would make an overwrite conflict).
type object struct {
	Attributes           any               `json:"attributes"`
	CoreMigrationVersion string            `json:"coreMigrationVersion,omitempty"`
	ID                   string            `json:"id"`
	MigrationVersion     map[string]string `json:"migrationVersion,omitempty"`
	References           []reference       `json:"references"`
	Type                 string            `json:"type"`
	TypeMigrationVersion string            `json:"typeMigrationVersion,omitempty"`
}

type reference struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

// searchSourceIndexRef names the reference a search or visualization makes
// to the data view through its searchSourceJSON.
const searchSourceIndexRef = "kibanaSavedObjectMeta.searchSourceJSON.index"

// encoder turns values into the JSON text Kibana stores in string
// attributes (panelsJSON, visState, searchSourceJSON...). The first error
// sticks and is reported once at the end.
type encoder struct {
	err error
	c   *catalog // what is being exported
}

func (e *encoder) str(v any) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		if e.err == nil {
			e.err = fmt.Errorf("encoding %T: %w", v, err)
		}
		return ""
	}
	return string(bytes.TrimRight(b.Bytes(), "\n"))
}

// ndjson writes one compact JSON document per line.
func ndjson(docs []any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	for _, d := range docs {
		if err := enc.Encode(d); err != nil {
			return nil, fmt.Errorf("encoding saved object: %w", err)
		}
	}
	return b.Bytes(), nil
}

// searchSource is a searchSourceJSON with a KQL query and the data view
// reached through a reference.
func (e *encoder) searchSource(query string) string {
	return e.str(map[string]any{
		"query":        map[string]any{"query": query, "language": "kuery"},
		"filter":       []any{},
		"highlightAll": true,
		"indexRefName": searchSourceIndexRef,
	})
}

func (e *encoder) dataViewReference(name string) reference {
	return reference{ID: e.c.dataViewID, Name: name, Type: "index-pattern"}
}

func (c *catalog) findChart(id string) (chart, bool) {
	for _, c := range c.charts {
		if c.ID == id {
			return c, true
		}
	}
	return chart{}, false
}

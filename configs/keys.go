package configs

import (
	"reflect"
	"strings"
	"time"

	"github.com/aspaudit/aspaudit/sinks"
)

// Keys lists every configuration key ("sink.elasticsearch.urls"), in
// declaration order, the sink sections by type name. Lists of objects
// contribute their element keys as "atlas.projects[].id".
func Keys() []string {
	var out []string
	walkKeys(reflect.TypeOf(Config{}), "", &out)
	return out
}

var (
	leafTypes  = map[reflect.Type]bool{reflect.TypeOf(time.Duration(0)): true}
	sinkConfig = reflect.TypeOf(SinkConfig{})
)

func walkKeys(t reflect.Type, prefix string, out *[]string) {
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("koanf")
		if tag == "" || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		ft := f.Type
		if opts == "squash" || (name == "" && strings.Contains(tag, "squash")) {
			walkKeys(ft, prefix, out)
			continue
		}
		key := prefix + name
		switch {
		case ft == sinkConfig:
			walkKeys(ft, key+".", out)
			walkSinkSections(key+".", out)
		case ft.Kind() == reflect.Struct && !leafTypes[ft]:
			walkKeys(ft, key+".", out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			walkKeys(ft.Elem(), key+"[].", out)
		default:
			*out = append(*out, key)
		}
	}
}

// walkSinkSections adds the keys of every registered sink type's section.
func walkSinkSections(prefix string, out *[]string) {
	for _, n := range sinks.Names() {
		t, _ := sinks.Lookup(n)
		walkKeys(reflect.TypeOf(t.NewSection()).Elem(), prefix+n+".", out)
	}
}

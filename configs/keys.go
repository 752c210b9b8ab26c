package configs

import (
	"reflect"
	"strings"
	"time"
)

// Keys lists every configuration key ("sink.urls"), in declaration order.
// Lists of objects contribute their element keys as "atlas.projects[].id".
func Keys() []string {
	var out []string
	walkKeys(reflect.TypeOf(Config{}), "", &out)
	return out
}

var leafTypes = map[reflect.Type]bool{reflect.TypeOf(time.Duration(0)): true}

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
		case ft.Kind() == reflect.Struct && !leafTypes[ft]:
			walkKeys(ft, key+".", out)
		case ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct:
			walkKeys(ft.Elem(), key+"[].", out)
		default:
			*out = append(*out, key)
		}
	}
}

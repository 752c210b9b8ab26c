// Package corpus generates the realistic, deterministic audit lines that the
// transform's benchmarks (and the JSON library comparison in jsonbench) run
// on: both schemas, about 500 bytes per line on average.
package corpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"time"
)

// Mixed returns n realistic audit lines of both schemas (about 500 bytes on
// average), the same for the same n on every run.
func Mixed(n int) [][]byte {
	rng := rand.New(rand.NewPCG(4, 2026))
	base := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	lines := make([][]byte, n)
	for i := range lines {
		t := base.Add(time.Duration(i) * 137 * time.Millisecond)
		lines[i] = []byte(corpusLine(rng, t))
	}
	return lines
}

var (
	corpusUsers      = []string{"alice", "bob", "svc-ingest", "carol.ops", "mms-automation"}
	corpusProcessors = []string{"orders_enrich", "clickstream-agg", "fraud.detect", "kafka_to_atlas"}
	corpusAtypes     = []string{"authenticate", "authCheck", "createStreamProcessor", "startStreamProcessor",
		"stopStreamProcessor", "dropStreamProcessor", "process", "sample", "logout", "clientMetadata"}
)

func pickOf[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

func corpusIP(rng *rand.Rand) string {
	return fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), 1+rng.IntN(254))
}

func corpusLine(rng *rand.Rand, t time.Time) string {
	if rng.IntN(2) == 0 {
		return corpusMongo(rng, t)
	}
	return corpusOCSF(rng, t)
}

func corpusMongo(rng *rand.Rand, t time.Time) string {
	atype := pickOf(rng, corpusAtypes)
	user, sp := pickOf(rng, corpusUsers), pickOf(rng, corpusProcessors)
	var uuid [16]byte
	for i := range uuid {
		uuid[i] = byte(rng.IntN(256))
	}
	result := 0
	if rng.IntN(10) == 0 {
		result = pickOf(rng, []int{13, 18, 26})
	}
	param := corpusParam(rng, atype, user, sp)
	return fmt.Sprintf(`{ "atype" : %q, "ts" : { "$date" : %q }, "uuid" : { "$binary" : %q, "$type" : "04" }, "local" : { "ip" : %q, "port" : 27017 }, "remote" : { "ip" : %q, "port" : %d }, "users" : [ { "user" : %q, "db" : "admin" } ], "roles" : [ { "role" : "atlasAdmin", "db" : "admin" } ], "param" : %s, "result" : %d }`,
		atype, t.Format("2006-01-02T15:04:05.000-0700"), base64.StdEncoding.EncodeToString(uuid[:]),
		corpusIP(rng), corpusIP(rng), 30000+rng.IntN(30000), user, param, result)
}

// corpusParam returns a mongo param of the shape the atype carries.
func corpusParam(rng *rand.Rand, atype, user, sp string) string {
	switch atype {
	case "authenticate":
		return fmt.Sprintf(`{ "user" : %q, "db" : "admin", "mechanism" : "SCRAM-SHA-256" }`, user)
	case "createStreamProcessor":
		return fmt.Sprintf(`{ "name" : %q, "pipeline" : [ { "$source" : { "connectionName" : "kafkaProd", "topic" : "orders.v%d" } }, { "$match" : { "status" : "PAID" } }, { "$emit" : { "connectionName" : "atlas", "db" : "sales", "coll" : "enriched" } } ] }`, sp, rng.IntN(9))
	case "process":
		return `{ "pipeline" : [ { "$source" : { "connectionName" : "sample_stream_solar" } }, { "$match" : { "obs.watts" : { "$gt" : 100 } } } ] }`
	case "authCheck":
		return fmt.Sprintf(`{ "command" : "startStreamProcessor", "ns" : "admin.$cmd", "args" : { "startStreamProcessor" : %q } }`, sp)
	case "logout", "clientMetadata":
		return `{ "reason" : "Client has disconnected" }`
	}
	return fmt.Sprintf(`{ "name" : %q }`, sp)
}

func corpusOCSF(rng *rand.Rand, t time.Time) string {
	user, sp := pickOf(rng, corpusUsers), pickOf(rng, corpusProcessors)
	status := 1
	if rng.IntN(10) == 0 {
		status = 2
	}
	common := fmt.Sprintf(`"time":%d,"severity_id":1,"status_id":%d,"metadata":{"correlation_uid":"%08x-5b1e-4c2a-9d3f-%012x","product":"MongoDB Server","version":"1.0.0"},"actor":{"user":{"type_id":1,"name":"admin.%s","groups":[{"name":"admin.atlasAdmin"}]}},"src_endpoint":{"ip":%q,"port":%d},"dst_endpoint":{"ip":%q,"port":27017}`,
		t.UnixMilli(), status, rng.Uint32(), rng.Uint64()&0xffffffffffff, user,
		corpusIP(rng), 30000+rng.IntN(30000), corpusIP(rng))
	if rng.IntN(3) == 0 {
		return fmt.Sprintf(`{"activity_id":1,"category_uid":3,"class_uid":3002,"type_uid":300201,%s,"user":{"type_id":1,"name":"admin.%s"},"auth_protocol":"SCRAM-SHA-256","unmapped":{"atype":"authenticate","mechanism":"SCRAM-SHA-256"}}`, common, user)
	}
	op := pickOf(rng, corpusAtypes[2:8])
	return fmt.Sprintf(`{"activity_id":3,"category_uid":6,"class_uid":6003,"type_uid":600303,%s,"api":{"operation":%q,"request":{"name":%q},"response":{"code":0}},"unmapped":{"atype":%q}}`,
		common, op, sp, op)
}

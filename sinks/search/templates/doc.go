// Package templates installs what an Elasticsearch or OpenSearch cluster
// needs before aspaudit writes audit events to it: a composable index
// template for "<prefix>-*" with an explicit mapping for every field of the
// event document, and a retention that deletes indices once the newest
// event they can hold is older than a configured age.
//
// # One field table, two products
//
// The mapping is generated from one table (fields.go) that mirrors
// pipeline/transform/FIELDS.md. The products differ only in the type of the
// free-form objects (mongodb.audit.param, ocsf.unmapped, ocsf.api.request,
// ...): "flattened" on Elasticsearch, "flat_object" on OpenSearch 2.7 and
// later (which takes no parameters), and a stored but unindexed object on
// older OpenSearch. The mapping is "dynamic": false: a field the table does
// not know is kept in _source (nothing is lost, it shows in Discover) but is
// not indexed, instead of being rejected ("strict" would dead-letter whole
// events for one unexpected key) or mapped by guesswork (dynamic mapping
// would turn a changing "param" into a mapping explosion). Date detection
// is off for the same reason.
//
// # Retention counted from the events' time
//
// Index names carry the period of the events they hold
// ("atlas-streams-audit-2026.11"), so an index may be deleted once its
// period ended more than the retention ago: then every event it holds is
// older than the retention. Neither product counts age that way by itself:
// Elasticsearch ILM counts from index creation unless
// index.lifecycle.origination_date is set per index (and parses dates from
// names only in the "-yyyy.MM.dd-000001" rollover form), and OpenSearch ISM
// always counts from index creation, which for a backfill of last year's
// events is today. So:
//
//   - ApplyRetention, run by aspaudit itself (setup, after each backfill or
//     import, and periodically in run), deletes exactly the indices whose
//     period ended more than the retention ago. It needs no lifecycle
//     feature, so it also works on clusters without ILM or ISM.
//   - Where Elasticsearch has ILM, Install adds a delete policy and
//     ApplyRetention attaches it to each index together with
//     origination_date = the end of the index's period, so the cluster
//     deletes on time even when aspaudit is not running. The template does
//     not attach the policy: an index never carries the policy without its
//     origination date, so ILM can never delete early.
//   - Where OpenSearch has ISM, Install adds a policy counted from index
//     creation with the longest index period added to the retention, so it
//     never deletes early (an index is created no earlier than its period
//     starts); it is a backstop for when aspaudit is not running and may
//     delete late, backfilled indices especially.
//
// Install reports when the cluster has neither feature (the integ-test
// distributions have none) and goes on.
package templates

// Package chartcheck checks the Helm chart in ../aspaudit: helm lint, and
// the objects helm template renders for the default values, the full
// example (../aspaudit/ci/full-values.yaml) and the values README's
// Kubernetes section documents, each decoded strictly into the Kubernetes
// API types (an unknown field fails), with the rendered aspaudit
// configuration loaded by aspaudit's own loader.
//
// It is a module of its own so that the root go.mod does not carry Helm's
// and Kubernetes' dependencies; scripts/test.sh runs it.
package chartcheck

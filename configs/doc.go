// Package configs knows every option of aspaudit: it composes the
// components' configurations into one, loads it from defaults, a YAML file,
// environment variables and flags (in that order, later wins), resolves
// secrets from files and the Atlas CLI's MONGODB_ATLAS_* variables, and
// validates it, reporting every problem at once with its key.
//
// example.yaml beside this file documents every option.
package configs

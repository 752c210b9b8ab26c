package main

import (
	"regexp"

	"github.com/aspaudit/aspaudit/configs"
)

// ProjectConfig is one configured Atlas project.
type ProjectConfig = configs.ProjectConfig

// projectIDPattern is Atlas's rule for project (group) ids.
var projectIDPattern = regexp.MustCompile(`^[a-f0-9]{24}$`)

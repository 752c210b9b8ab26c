package main

import (
	"fmt"

	"github.com/aspaudit/aspaudit/configs"
	"github.com/aspaudit/aspaudit/sources/atlas"
)

// ProjectConfig is one configured Atlas project.
type ProjectConfig = configs.ProjectConfig

// checkProjectFlag checks the --project flag's value.
func checkProjectFlag(id string) error {
	if err := atlas.CheckProjectID(id); err != nil {
		return fmt.Errorf("--project: %w; copy it from the project's URL", err)
	}
	return nil
}

package main

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// version is set at build time with -ldflags "-X main.version=v1.2.3".
var version = "dev"

func versionCommand(inv *invocation) *cobra.Command {
	return &cobra.Command{
		Use:               "version",
		Short:             "print the version (as --version does)",
		Args:              noArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: inv.action(func(_ context.Context, io stdio, _, _ []string) int {
			fmt.Fprintln(io.out, versionLine())
			return exitOK
		}),
	}
}

// versionLine is what both `aspaudit version` and `aspaudit --version`
// print: the version, the VCS revision when the build recorded one, the
// Go version and the platform.
func versionLine() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " (" + s.Value[:12] + ")"
			}
		}
	}
	return fmt.Sprintf("aspaudit %s%s %s %s/%s", version, rev, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

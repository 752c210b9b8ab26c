package main

import (
	"fmt"
	"io"
	"os"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// setMemoryLimit gives the Go runtime a soft memory limit of 90 % of the
// container's (the cgroup's memory limit), so that the garbage collector
// works harder before the kernel kills the process instead of letting the
// heap double between collections. Without a cgroup limit nothing changes.
// GOMEMLIMIT, when set, wins; AUTOMEMLIMIT sets the ratio ("0.8") or turns
// this off ("off"). Only a problem with AUTOMEMLIMIT is reported, on w: not
// running in a container is no error.
func setMemoryLimit(w io.Writer) {
	if _, err := memlimit.Set(); err != nil {
		if v, ok := os.LookupEnv("AUTOMEMLIMIT"); ok {
			fmt.Fprintf(w, "aspaudit: AUTOMEMLIMIT=%s ignored (a ratio in (0, 1], or off): %v\n", v, err)
		}
	}
}

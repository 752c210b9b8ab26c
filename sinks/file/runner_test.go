//go:build unix

package file

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestClaimRunnerRefusesASecondRun: while one descriptor holds the
// directory (as another process would: flock locks belong to the open
// file), a second claim fails naming the holder's pid; after release, the
// claim succeeds again.
func TestClaimRunnerRefusesASecondRun(t *testing.T) {
	dir := t.TempDir()
	release, err := ClaimRunner(context.Background(), dir)
	if err != nil {
		t.Fatal(err)
	}
	_, err = ClaimRunner(context.Background(), dir)
	if !errors.Is(err, ErrRunnerBusy) || !strings.Contains(err.Error(), "pid "+strconv.Itoa(os.Getpid())) || !strings.Contains(err.Error(), dir) {
		t.Fatalf("second claim: %v", err)
	}
	if err := release(); err != nil {
		t.Fatal(err)
	}
	again, err := ClaimRunner(context.Background(), dir)
	if err != nil {
		t.Fatalf("claim after release: %v", err)
	}
	_ = again()
}

// TestClaimRunnerFreedByADeadProcess: a process that held the lock and was
// killed leaves it free.
func TestClaimRunnerFreedByADeadProcess(t *testing.T) {
	if _, err := exec.LookPath("flock"); err != nil {
		t.Skip("no flock(1) on this machine")
	}
	dir := t.TempDir()
	cmd := exec.Command("flock", "-o", dir+"/"+runnerLock, "sleep", "60") // -o: sleep does not inherit the lock
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}                 // killed with its sleep
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	kill := func() { _ = syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL); _ = cmd.Wait() }
	defer kill()
	busy := false
	for range 500 {
		rel, err := ClaimRunner(context.Background(), dir)
		if errors.Is(err, ErrRunnerBusy) {
			busy = true
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		_ = rel()
		time.Sleep(10 * time.Millisecond)
	}
	if !busy {
		t.Fatal("flock(1) never took the lock")
	}
	kill()
	release, err := ClaimRunner(context.Background(), dir)
	if err != nil {
		t.Fatalf("claim after the holder was killed: %v", err)
	}
	_ = release()
}

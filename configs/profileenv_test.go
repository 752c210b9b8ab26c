package configs

import "testing"

// The profile listener's variable is read by the command, not a key: it
// must not fail the configuration as an unknown one.
func TestProfileListenIsNoKey(t *testing.T) {
	if _, err := Load(Sources{Environ: []string{EnvProfileListen + "=127.0.0.1:0"}}); err != nil {
		t.Fatalf("with %s set: %v", EnvProfileListen, err)
	}
	if _, err := Load(Sources{Environ: []string{EnvPrefix + "DEBUG_PPROF_LISTENER=x"}}); err == nil {
		t.Error("a misspelt variable beside it is still an unknown key")
	}
}

package transform

// Config holds the transform's options.
type Config struct {
	// KeepOriginal stores the raw line as event.original in every event.
	// Parse-failure events keep it whatever this says, so that nothing is
	// lost.
	KeepOriginal bool `koanf:"keep_original"`
}

// NewDefaultConfig returns the defaults: the raw line is kept.
func NewDefaultConfig() Config {
	return Config{KeepOriginal: true}
}

// Validate reports every problem of the configuration. No combination of
// the current options is invalid; it exists so that the transform is
// configured like every other component.
func (c Config) Validate() error {
	return nil
}

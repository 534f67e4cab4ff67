package metrics

import "runtime"

// processMetricsSupported says whether client_golang's process collector
// reports on this platform (it reads /proc on Linux).
func processMetricsSupported() bool { return runtime.GOOS == "linux" }

package provider

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// DirectoryClass is the class name of Directory in worker and connector configs.
const DirectoryClass = "org.apache.kafka.common.config.provider.DirectoryConfigProvider"

// DirectoryConfigDef declares Directory's settings.
func DirectoryConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(allowedPathsKey())
}

// Directory reads one value per file: in ${dir:/run/secrets:db-password} the
// path names a directory and the key a file in it, whose whole content
// (trailing newline included, as in Java) is the value. Only regular files
// count, symbolic links to them included (Kubernetes mounts secrets that
// way); subdirectories are skipped.
type Directory struct {
	logger     *slog.Logger
	allowed    allowedPaths
	configured bool
}

var _ connector.ConfigProvider = (*Directory)(nil)

// NewDirectory returns an unconfigured Directory that logs refused paths to
// logger (nil discards).
func NewDirectory(logger *slog.Logger) *Directory { return &Directory{logger: orDiscard(logger)} }

// Configure reads allowed.paths.
func (d *Directory) Configure(config map[string]string) error {
	v, err := DirectoryConfigDef().Parse(config)
	if err != nil {
		return err
	}
	allowed, err := parseAllowedPaths(v.List(AllowedPathsConfig))
	if err != nil {
		return err
	}
	d.allowed, d.configured = allowed, true
	return nil
}

// Get returns the contents of the files named by keys (every regular file
// with no keys) in the directory at path. An empty path yields nothing; a
// path outside allowed.paths or that is not a directory yields nothing with
// a warning; a directory or file that cannot be read is an error.
func (d *Directory) Get(path string, keys ...string) (map[string]string, error) {
	if !d.configured {
		return nil, errNotConfigured
	}
	data := map[string]string{}
	if path == "" {
		return data, nil
	}
	dir, ok := d.allowed.resolve(path)
	if !ok {
		d.logger.Warn("config provider path is not allowed", "provider", "directory", "path", path, "allowed_paths", []string(d.allowed))
		return data, nil
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		d.logger.Warn("config provider path is not a directory", "provider", "directory", "path", path)
		return data, nil
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("Could not list directory %s: %w", dir, err)
	}
	want := map[string]bool{}
	for _, k := range keys {
		want[k] = true
	}
	for _, e := range entries {
		name := e.Name()
		if len(keys) > 0 && !want[name] {
			continue
		}
		file := filepath.Join(dir, name)
		st, err := os.Stat(file) // follows symbolic links, as Files.isRegularFile
		if err != nil || !st.Mode().IsRegular() {
			continue
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("Could not read file %s for property %s: %w", file, name, err)
		}
		// Java decodes as UTF-8, replacing malformed bytes.
		data[name] = strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return data, nil
}

// Close does nothing: Directory holds no resources between calls.
func (d *Directory) Close() error { return nil }

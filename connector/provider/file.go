package provider

import (
	"fmt"
	"log/slog"

	"github.com/magiconair/properties"

	"github.com/kafka-connect-go/connect/connector"
	"github.com/kafka-connect-go/connect/connector/configdef"
)

// FileClass is the class name of File in worker and connector configs.
const FileClass = "org.apache.kafka.common.config.provider.FileConfigProvider"

// FileConfigDef declares File's settings (config.providers.<name>.param.*).
func FileConfigDef() *configdef.ConfigDef {
	return configdef.New().Define(allowedPathsKey())
}

// File reads values from Java properties files: in ${file:/path/x.properties:key}
// the path names the file and the key a property in it. Files are read as
// UTF-8 with Java's properties syntax (continuations, escapes, "=", ":" or
// blank as separator) and no ${} expansion, on every Get, so a changed file
// is seen by the next resolution.
type File struct {
	logger     *slog.Logger
	allowed    allowedPaths
	configured bool
}

var _ connector.ConfigProvider = (*File)(nil)

// NewFile returns an unconfigured File that logs refused paths to logger
// (nil discards).
func NewFile(logger *slog.Logger) *File { return &File{logger: orDiscard(logger)} }

// Configure reads allowed.paths.
func (f *File) Configure(config map[string]string) error {
	v, err := FileConfigDef().Parse(config)
	if err != nil {
		return err
	}
	allowed, err := parseAllowedPaths(v.List(AllowedPathsConfig))
	if err != nil {
		return err
	}
	f.allowed, f.configured = allowed, true
	return nil
}

// Get returns the properties named by keys (all of them with no keys) of
// the file at path. An empty path, or one outside allowed.paths, yields no
// values (the latter with a warning); an unreadable file is an error.
func (f *File) Get(path string, keys ...string) (map[string]string, error) {
	if !f.configured {
		return nil, errNotConfigured
	}
	data := map[string]string{}
	if path == "" {
		return data, nil
	}
	file, ok := f.allowed.resolve(path)
	if !ok {
		f.logger.Warn("config provider path is not allowed", "provider", "file", "path", path, "allowed_paths", []string(f.allowed))
		return data, nil
	}
	l := properties.Loader{Encoding: properties.UTF8, DisableExpansion: true}
	props, err := l.LoadFile(file)
	if err != nil {
		return nil, fmt.Errorf("Could not read properties from file %s: %w", path, err)
	}
	all := props.Map()
	if len(keys) == 0 {
		return all, nil
	}
	for _, k := range keys {
		if v, ok := all[k]; ok {
			data[k] = v
		}
	}
	return data, nil
}

// Close does nothing: File holds no resources between calls.
func (f *File) Close() error { return nil }

func orDiscard(l *slog.Logger) *slog.Logger {
	if l == nil {
		return slog.New(slog.DiscardHandler)
	}
	return l
}

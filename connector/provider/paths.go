package provider

import (
	"errors"
	"os"
	"path/filepath"
	"strings"

	"github.com/kafka-connect-go/connect/connector/configdef"
)

// AllowedPathsConfig limits the files and directories File and Directory
// may read (Kafka's allowed.paths). Unset or empty, every path is allowed.
const AllowedPathsConfig = "allowed.paths"

const allowedPathsDoc = "A comma-separated list of absolute paths this provider may read; " +
	"a requested path must lie under one of them. If not set, every path may be read."

func allowedPathsKey() configdef.Key {
	return configdef.Key{
		Name: AllowedPathsConfig, Type: configdef.TypeList, Default: nil,
		Importance: configdef.Medium, Doc: allowedPathsDoc,
	}
}

// allowedPaths is the parsed allowed.paths setting; nil allows everything.
type allowedPaths []string

// parseAllowedPaths checks allowed.paths as Kafka does: each entry, cleaned,
// must be absolute and exist.
func parseAllowedPaths(list []string) (allowedPaths, error) {
	if len(list) == 0 {
		return nil, nil
	}
	out := make(allowedPaths, 0, len(list))
	for _, p := range list {
		clean := filepath.Clean(p)
		if !filepath.IsAbs(clean) {
			return nil, configdef.Errorf("Path %s is not absolute", clean)
		}
		if _, err := os.Stat(clean); err != nil {
			return nil, configdef.Errorf("Path %s does not exist", clean)
		}
		out = append(out, clean)
	}
	return out, nil
}

// resolve returns the path to read and whether it may be read. With no
// allowed paths the path is used as given; otherwise it is cleaned and must
// lie under an allowed path, compared by whole path elements (/etc/kafka2
// is not under /etc/kafka), as java.nio's Path.startsWith does.
func (a allowedPaths) resolve(path string) (string, bool) {
	if a == nil {
		return path, true
	}
	clean := filepath.Clean(path)
	for _, root := range a {
		if clean == root || root == string(filepath.Separator) && filepath.IsAbs(clean) ||
			strings.HasPrefix(clean, root+string(filepath.Separator)) {
			return clean, true
		}
	}
	return "", false
}

// errNotConfigured is returned by Get before Configure, as Java's
// IllegalStateException.
var errNotConfigured = errors.New("The provider has not been configured yet.")

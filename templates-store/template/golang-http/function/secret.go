package function

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

var secretName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]*$`)

// Secret returns the value of a secret made with "faas secret create NAME" and listed under the
// function's "secrets:" in stack.yaml (one trailing newline is dropped). Secrets are files in
// $OPENFAAS_SECRETS_PATH (the local runtime) or /var/openfaas/secrets (in a container); they are
// read on every call, so an updated secret is seen without a restart.
func Secret(name string) (string, error) {
	if !secretName.MatchString(name) {
		return "", fmt.Errorf("invalid secret name: %q", name)
	}
	dir := os.Getenv("OPENFAAS_SECRETS_PATH")
	if dir == "" {
		dir = "/var/openfaas/secrets"
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("secret %s not found in %s: create it with \"faas secret create %s\" and list it under \"secrets:\" in stack.yaml", name, dir, name)
	}
	if err != nil {
		return "", err
	}
	value := string(data)
	if strings.HasSuffix(value, "\r\n") {
		return strings.TrimSuffix(value, "\r\n"), nil
	}
	return strings.TrimSuffix(value, "\n"), nil
}

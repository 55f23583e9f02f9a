// Package examples ships the commented example config inside the binary, so `launchready
// demo` and `check --lab` work from a bare `go install` with no files around.
package examples

import (
	"embed"
	_ "embed"
)

// Config is examples/launchready.yaml: the lab's product, every key documented.
//
//go:embed launchready.yaml
var Config []byte

// ConfigName is the name errors about the embedded config carry.
const ConfigName = "examples/launchready.yaml"

// Runbooks holds the starter runbooks `launchready runbook init` writes: one folder per
// set-up (systemd, compose, platform), each with deploy, rollback and rotate-secret.
//
//go:embed runbooks
var Runbooks embed.FS

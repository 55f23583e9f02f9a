package main

import "github.com/launchready/launchready/internal/setup"

// labState is where a --lab run (the demo scenario) given --state state keeps its files.
func labState(state string) string { return setup.LabStateDir(state, "demo") }

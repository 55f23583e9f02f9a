package runbook

import (
	"os"
	"os/user"
	"strings"
)

// Operator is who ran a runbook, as the audit trail needs it: the account, the machine,
// where the SSH session came from, and the person behind sudo.
type Operator struct {
	User     string `json:"user"`
	SudoUser string `json:"sudo_user,omitempty"`
	Host     string `json:"host"`
	SSH      string `json:"ssh,omitempty"` // SSH_CONNECTION: client address and port, server address and port
	PID      int    `json:"pid"`
	// Key is the fingerprint of the SSH key the operator signed in with to launchready
	// serve (the user is then the serve.users name); empty at a local console.
	Key string `json:"key,omitempty"`
}

// CurrentOperator describes the process running now; getenv is a parameter so tests do
// not depend on the process environment.
func CurrentOperator(getenv func(string) string) Operator {
	if getenv == nil {
		getenv = os.Getenv
	}
	o := Operator{User: getenv("USER"), SudoUser: getenv("SUDO_USER"), SSH: getenv("SSH_CONNECTION"), PID: os.Getpid()}
	if u, err := user.Current(); err == nil && u.Username != "" {
		o.User = u.Username
	}
	if o.User == "" {
		o.User = "unknown"
	}
	o.Host, _ = os.Hostname()
	if o.Host == "" {
		o.Host = "unknown-host"
	}
	return o
}

// String reads "sam@ops-1 (ssh from 10.0.0.7)".
func (o Operator) String() string {
	s := o.User + "@" + o.Host
	if o.SudoUser != "" && o.SudoUser != o.User {
		s = o.SudoUser + " as " + s
	}
	if from, _, ok := strings.Cut(o.SSH, " "); ok && from != "" {
		s += " (ssh from " + from + ")"
	}
	return s
}

// answeredBy is who gave an answer, for the transcript's By and Operator: rep.By when
// the answer was not typed at the prompt (a flag, the environment); else, when the
// operator signed in to launchready serve with a key, that user and key ("on-call, key
// SHA256:…") and the operator, so a run shared over SSH records which user confirmed
// each step. Only the engine's operator's console answers its prompts (a viewer cannot,
// and another operator answers only after resuming the run, with an engine of its own),
// so the engine's operator is the one who typed. A local run leaves By empty: its
// run-start names the one person at the terminal.
func answeredBy(rep Reply, op *Operator) (string, *Operator) {
	if rep.By != "" && rep.By != "prompt" || op == nil || op.Key == "" {
		return rep.By, nil
	}
	o := *op
	return op.User + ", key " + op.Key, &o
}

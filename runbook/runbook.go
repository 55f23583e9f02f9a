package runbook

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
)

// Runbook is one YAML file in the runbooks folder: a named list of steps an operator walks
// through (deploy, rollback, rotate a key), validated as a whole before any step runs.
type Runbook struct {
	// Name is how `runbook run NAME` and the console pick it; default: the file name.
	Name string `yaml:"name"`
	// Description is Markdown shown before the run starts (rendered in the console).
	Description string `yaml:"description"`
	// Inputs are asked before the first step (or given with --input NAME=VALUE).
	Inputs []Input `yaml:"inputs"`
	// Env is set for every command; values are literal text, never expanded.
	Env map[string]string `yaml:"env"`
	// Cwd is where commands run unless a step says otherwise; relative to this file's
	// folder. Default: the folder launchready was started in.
	Cwd string `yaml:"cwd"`
	// Timeout bounds each command unless a step sets its own; default 30m.
	Timeout time.Duration `yaml:"timeout"`
	// Maintenance, when set, holds watch's alerts for the checks the runbook touches while
	// it runs (a deploy restarting the app should not page anyone).
	Maintenance *Maintenance `yaml:"maintenance"`
	Steps       []Step       `yaml:"steps"`

	// File is where the runbook was read from; Source its exact text, which the transcript
	// keeps so a resume runs the runbook that started, even if the file changed since.
	File   string `yaml:"-"`
	Source []byte `yaml:"-"`

	doc       *config.Document
	validated bool
}

// Step is one thing the operator does. It has a name and one or more of confirm, input,
// generate, run and check, done in that order; rollback undoes it once it has completed.
type Step struct {
	Name string `yaml:"name"`
	// Confirm is a question the operator must answer yes to before the step goes on.
	Confirm string `yaml:"confirm"`
	// Input asks the operator for a value, available to later commands as $NAME.
	Input *Input `yaml:"input"`
	// Generate makes a new random secret, available to commands as $NAME.
	Generate *Generate `yaml:"generate"`
	// Run is a shell command, run with bash -c in its own process group. Inputs and
	// generated secrets reach it only as environment variables.
	Run string `yaml:"run"`
	// Capture names a variable set to the last non-empty line of Run's output, for later
	// steps (the release that was live before a deploy, for its rollback).
	Capture string `yaml:"capture"`
	// Check is a condition that must hold, polled until a deadline: see Condition.
	Check config.Raw `yaml:"check"`
	// Rollback is the command that undoes this step, run newest first when the operator
	// chooses to roll back.
	Rollback string `yaml:"rollback"`
	// Timeout bounds Run and Rollback; the process group is killed when it passes.
	Timeout time.Duration `yaml:"timeout"`
	// Cwd and Env apply to this step's commands.
	Cwd string            `yaml:"cwd"`
	Env map[string]string `yaml:"env"`

	check *CheckSpec // built by Validate
	refs  stepRefs   // variables Run and Rollback read, found by Validate
}

// Input is a value asked of the operator.
type Input struct {
	// Name is the environment variable commands read it from: UPPER_SNAKE_CASE.
	Name   string `yaml:"name"`
	Prompt string `yaml:"prompt"`
	// Secret masks the answer, keeps it out of the transcript and redacts it from output.
	Secret bool `yaml:"secret"`
	// Default is offered when the operator just presses enter (not for secrets).
	Default string `yaml:"default"`
	// Pattern is a regular expression the whole answer must match.
	Pattern string `yaml:"pattern"`
}

// Generate describes a new random secret.
type Generate struct {
	Name string `yaml:"name"`
	// Format is hex (default), base64url or alnum (letters and digits).
	Format string `yaml:"format"`
	// Length is the number of random characters, not counting Prefix; default 32 for hex,
	// 43 for base64url and alnum (at least 128 random bits are required).
	Length int `yaml:"length"`
	// Prefix is written before the random part, as many APIs expect (whsec_, sk_live_).
	Prefix string `yaml:"prefix"`
}

// DefaultTimeout bounds a command when neither the step nor the runbook sets one: long
// enough for a slow build, short enough that a hung command does not hold the lock all night.
const DefaultTimeout = 30 * time.Minute

// maxRunbookSize refuses files that cannot be runbooks (a log, a binary) before parsing.
const maxRunbookSize = 1 << 20

const startHint = "start from `launchready runbook init`, which writes commented deploy, rollback and rotate-secret runbooks"

// Parse reads a runbook's text. It checks everything that does not depend on the session
// (syntax, keys, types, names, $VARIABLE references); Validate checks the rest.
func Parse(data []byte, file string) (*Runbook, error) {
	rb, errs := parse(data, file)
	if len(errs) > 0 {
		return nil, errs
	}
	return rb, nil
}

// parse returns the runbook whenever it decoded, even with shape errors, so Check can
// add the session's errors to them and a user sees every problem in one pass.
func parse(data []byte, file string) (*Runbook, config.Errors) {
	if len(data) > maxRunbookSize {
		return nil, config.Errors{{File: file, Msg: fmt.Sprintf("is %d bytes; a runbook is a few kilobytes", len(data)), Fix: "check that this is a runbook"}}
	}
	doc, errs := config.ParseDocument(data, file, startHint)
	if errs != nil {
		return nil, errs
	}
	rb := &Runbook{}
	if errs := doc.Decode(rb); errs != nil {
		return nil, errs
	}
	rb.File, rb.Source, rb.doc = file, data, doc
	if rb.Name == "" {
		rb.Name = nameFromFile(file)
	}
	return rb, rb.checkShape()
}

// Check parses and validates in one pass, listing every problem in the file: what
// `launchready validate` reports.
func Check(data []byte, file string, env Env) (*Runbook, error) {
	rb, errs := parse(data, file)
	if rb == nil {
		return nil, errs
	}
	if err := rb.Validate(env); err != nil {
		errs = append(errs, err.(config.Errors)...)
		sortByLine(errs)
	}
	if len(errs) > 0 {
		rb.validated = false
		return nil, errs
	}
	return rb, nil
}

// Load reads and parses a runbook file.
func Load(path string) (*Runbook, error) {
	data, err := readRunbook(path)
	if err != nil {
		return nil, err
	}
	return Parse(data, path)
}

func loadChecked(path string, env Env) (*Runbook, error) {
	data, err := readRunbook(path)
	if err != nil {
		return nil, err
	}
	return Check(data, path, env)
}

func readRunbook(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, config.Errors{{File: path, Msg: "cannot read the runbook: " + pathErr(err)}}
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxRunbookSize+1))
	if err != nil {
		return nil, config.Errors{{File: path, Msg: "cannot read the runbook: " + pathErr(err)}}
	}
	return data, nil
}

// LoadDir reads and validates every *.yaml and *.yml file in dir, sorted by name. It
// returns the runbooks that are valid and one error listing every problem in the others,
// so one broken file does not hide the rest. A missing folder is no runbooks, not an error.
func LoadDir(dir string, env Env) ([]*Runbook, error) {
	entries, err := os.ReadDir(dir)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, config.Errors{{File: dir, Msg: "cannot read the runbooks folder: " + pathErr(err), Fix: "set runbooks.dir in launchready.yaml to a readable folder"}}
	}
	var out []*Runbook
	var errs config.Errors
	names := map[string]string{}
	for _, e := range entries {
		n := e.Name()
		if !isRunbookFile(e) {
			continue
		}
		rb, err := loadChecked(filepath.Join(dir, n), env)
		if err != nil {
			errs = append(errs, asErrors(err)...)
			continue
		}
		if other, dup := names[rb.Name]; dup {
			errs = append(errs, rb.doc.ErrorAt("name", fmt.Sprintf("%q is also the name of %s", rb.Name, other), "give each runbook its own name"))
			continue
		}
		names[rb.Name] = rb.File
		out = append(out, rb)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out, errs.Err()
}

// isRunbookFile says whether a folder entry is one LoadDir reads: a *.yaml or *.yml file,
// not hidden.
func isRunbookFile(e os.DirEntry) bool {
	n := e.Name()
	return !e.IsDir() && !strings.HasPrefix(n, ".") && (strings.HasSuffix(n, ".yaml") || strings.HasSuffix(n, ".yml"))
}

// Names lists the names of the runbooks in dir that parse, without the session's
// validation (which needs the session's checks): enough to tell which runbook is the
// deploy (DeployName) in a process that never runs one. A runbook that does not parse is
// left out, as LoadDir leaves it out; a missing or unreadable folder is no names.
func Names(dir string) []string {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil
	}
	var out []string
	for _, e := range entries {
		if !isRunbookFile(e) {
			continue
		}
		if rb, err := Load(filepath.Join(dir, e.Name())); err == nil && !slices.Contains(out, rb.Name) {
			out = append(out, rb.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Find returns the runbook called name.
func Find(rbs []*Runbook, name string) (*Runbook, bool) {
	for _, rb := range rbs {
		if rb.Name == name {
			return rb, true
		}
	}
	return nil, false
}

// Digest is the SHA-256 of the runbook's text, so a transcript says exactly what ran.
func (rb *Runbook) Digest() string {
	h := sha256.Sum256(rb.Source)
	return "sha256:" + hex.EncodeToString(h[:])
}

// Summary is the description's first line, for lists.
func (rb *Runbook) Summary() string {
	line, _, _ := strings.Cut(strings.TrimSpace(rb.Description), "\n")
	return strings.TrimSpace(strings.TrimLeft(line, "# "))
}

// CheckSpec returns the step's check once Validate has built it, nil otherwise.
func (s *Step) CheckSpec() *CheckSpec { return s.check }

// Title is the step's name, or what it does when it has none.
func (s *Step) Title() string {
	switch {
	case s.Name != "":
		return s.Name
	case s.Run != "":
		line, _, _ := strings.Cut(s.Run, "\n")
		return line
	case s.check != nil:
		return "check " + s.check.Describe()
	case s.Input != nil:
		return "input " + s.Input.Name
	case s.Generate != nil:
		return "generate " + s.Generate.Name
	case s.Confirm != "":
		return s.Confirm
	}
	return "step"
}

func nameFromFile(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(strings.TrimSuffix(base, ".yaml"), ".yml")
}

func pathErr(err error) string {
	if pe, ok := err.(*os.PathError); ok {
		return pe.Err.Error()
	}
	return err.Error()
}

func asErrors(err error) config.Errors {
	if es, ok := err.(config.Errors); ok {
		return es
	}
	return config.Errors{{Msg: err.Error()}}
}

package runbook

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/config"
)

// Condition is what a check: step waits for: an endpoint healthy, a DNS record with a
// value, a certificate with days to spare. The engine polls it until it holds the required
// number of times in a row or the deadline passes; the condition only looks, once.
//
// Conditions owned by other packages (no new error groups since the run started, a smoke
// pass) plug in as a ConditionKind passed in Env.Kinds; nothing here changes.
type Condition interface {
	// Describe says what must hold, in a line: "http api.acme.example is healthy".
	Describe() string
	// Poll looks once, within ctx's deadline. A condition that does not hold is an
	// Observation with OK false and a Summary saying what was seen; Err is for "could not
	// look at all" (no network), which the engine reports the same way but says so.
	Poll(ctx context.Context, run RunInfo) Observation
}

// Observation is one look at a condition.
type Observation struct {
	OK      bool   `json:"ok"`
	Summary string `json:"summary"`
	Err     string `json:"error,omitempty"`
}

// RunInfo is what a condition may need to know about the run polling it: "no new error
// groups since this run started" reads Started.
type RunInfo struct {
	ID      string
	Runbook string
	Started time.Time
}

// ConditionKind is one key a check: may use (endpoint, dns, certificate). Build decodes
// the key's value and returns the condition; it must not touch the network, because
// `launchready validate` calls it. Its errors come from spec.Decode or spec.Error, so they
// carry file:line:col.
type ConditionKind struct {
	Name  string
	Doc   string
	Build func(spec *config.Raw, env Env) (Condition, config.Errors)
}

// DefaultKinds are the conditions this package implements. Other packages add theirs:
// Env{Kinds: append(runbook.DefaultKinds(), other)}.
func DefaultKinds() []ConditionKind {
	return []ConditionKind{EndpointKind, DNSKind, CertificateKind, ErrorsKind, SmokeKind}
}

// CheckSpec is a check: step after validation: one condition and how to poll it.
type CheckSpec struct {
	Kind      string
	Condition Condition
	// Times is how many looks in a row must pass (default 1): "healthy 3 times in a row"
	// rides out a deploy's brief flaps.
	Times int
	// Every is the pause between looks (default 5s); Within the deadline (default 5m).
	Every  time.Duration
	Within time.Duration
}

// Defaults for a check's polling.
const (
	DefaultTimes  = 1
	DefaultEvery  = 5 * time.Second
	DefaultWithin = 5 * time.Minute
	// maxPollTime bounds one look, whatever the condition does with its context.
	maxPollTime = 30 * time.Second
)

// Describe says what the check waits for and how long, for plans, screens and transcripts.
func (c *CheckSpec) Describe() string {
	s := c.Condition.Describe()
	if c.Times > 1 {
		s += fmt.Sprintf(" %d times in a row", c.Times)
	}
	return s + fmt.Sprintf(", every %s, within %s", ShortDuration(c.Every), ShortDuration(c.Within))
}

// checkCommon are the keys every check has besides its one condition.
var checkCommon = []string{"times", "every", "within"}

func buildCheck(raw *config.Raw, env Env) (*CheckSpec, config.Errors) {
	fields, errs := raw.Fields()
	if errs != nil {
		return nil, errs
	}
	spec := &CheckSpec{Times: DefaultTimes, Every: DefaultEvery, Within: DefaultWithin}
	var kindNames []string
	for _, k := range env.Kinds {
		kindNames = append(kindNames, k.Name)
	}
	var condField *config.RawField
	for i := range fields {
		f := &fields[i]
		switch f.Key {
		case "times":
			errs = append(errs, f.Value.Decode(&spec.Times)...)
			if spec.Times < 1 || spec.Times > 100 {
				errs = append(errs, f.Value.Error(f.Value.Path(), fmt.Sprintf("%d is out of range", spec.Times), "use 1 to 100"))
			}
		case "every":
			errs = append(errs, f.Value.Decode(&spec.Every)...)
			if spec.Every < 100*time.Millisecond || spec.Every > time.Hour {
				errs = append(errs, f.Value.Error(f.Value.Path(), fmt.Sprintf("%s is out of range", spec.Every), "use 100ms to 1h; 5s is the default"))
			}
		case "within":
			errs = append(errs, f.Value.Decode(&spec.Within)...)
			if spec.Within < time.Second || spec.Within > 24*time.Hour {
				errs = append(errs, f.Value.Error(f.Value.Path(), fmt.Sprintf("%s is out of range", spec.Within), "use 1s to 24h; 5m is the default"))
			}
		default:
			i := slices.IndexFunc(env.Kinds, func(k ConditionKind) bool { return k.Name == f.Key })
			if i < 0 {
				known := append(slices.Clone(checkCommon), kindNames...)
				errs = append(errs, f.Value.Error(f.Value.Path(), "unknown key", config.UnknownKeyFix(f.Key, known)))
				continue
			}
			if condField != nil {
				errs = append(errs, f.Value.Error(f.Value.Path(), fmt.Sprintf("a check waits for one condition, and this one already has %s", condField.Key),
					"split it into two check steps"))
				continue
			}
			condField = f
			cond, es := env.Kinds[i].Build(f.Value, env)
			errs = append(errs, es...)
			spec.Kind, spec.Condition = f.Key, cond
		}
	}
	if condField == nil && len(errs) == 0 {
		errs = append(errs, raw.Error(raw.Path(), "names no condition", "add one of: "+strings.Join(kindNames, ", ")))
	}
	if len(errs) == 0 && spec.Within < spec.Every {
		errs = append(errs, raw.Error(raw.Path()+".within", fmt.Sprintf("%s is shorter than every: %s, so the check would look once", spec.Within, spec.Every),
			"make within: longer than every:"))
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return spec, nil
}

// ShortDuration writes 5m rather than 5m0s, for people.
func ShortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

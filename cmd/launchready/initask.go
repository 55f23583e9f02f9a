package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"charm.land/huh/v2"

	"github.com/launchready/launchready/internal/config"
	"github.com/launchready/launchready/internal/initcfg"
	"github.com/launchready/launchready/probes/netx"
)

// askDraft asks, with one huh form, only what discovery could not decide: the canonical
// URL when the apex and www end on different sites, the role of each host it is unsure
// of, and the environment (with its guess preselected). Ctrl-C leaves without writing.
func askDraft(ctx context.Context, n *netx.Net, d *initcfg.Draft, in io.Reader, out io.Writer) error {
	var groups []*huh.Group
	canonical := d.Canonical
	if len(d.Candidates) > 1 {
		opts := make([]huh.Option[string], 0, len(d.Candidates))
		for _, c := range d.Candidates {
			opts = append(opts, huh.NewOption(c, c))
		}
		groups = append(groups, huh.NewGroup(huh.NewSelect[string]().
			Title("Which is the one address members should end up on?").
			Description("The apex and www lead to different sites; the other should redirect to it.").
			Options(opts...).Value(&canonical)))
	}
	roles := make([]string, len(d.Hosts))
	var roleFields []huh.Field
	for i, h := range d.Hosts {
		roles[i] = h.Role
		if h.RoleSure {
			continue
		}
		opts := make([]huh.Option[string], 0, len(config.Roles))
		for _, r := range config.Roles {
			opts = append(opts, huh.NewOption(r, r))
		}
		roleFields = append(roleFields, huh.NewSelect[string]().
			Title(fmt.Sprintf("What is %s for?", h.Name)).
			Description(fmt.Sprintf("Guessed %s: %s.", h.Role, h.RoleWhy)).
			Options(opts...).Value(&roles[i]))
	}
	if len(roleFields) > 0 {
		groups = append(groups, huh.NewGroup(roleFields...))
	}
	env := d.Environment
	groups = append(groups, huh.NewGroup(huh.NewSelect[string]().
		Title("Which environment is "+d.Domain+"?").
		Description("Guessed "+d.Environment+": "+d.EnvWhy+". Staging and lab relax production-only checks.").
		Options(huh.NewOption(config.Production, config.Production), huh.NewOption(config.Staging, config.Staging), huh.NewOption(config.Lab, config.Lab)).
		Value(&env)))
	err := huh.NewForm(groups...).WithInput(in).WithOutput(out).RunWithContext(ctx)
	if errors.Is(err, huh.ErrUserAborted) {
		return errors.New("stopped at the questions")
	}
	if err != nil {
		return err
	}
	for i := range d.Hosts {
		if d.Hosts[i].Role != roles[i] {
			d.Hosts[i].Role, d.Hosts[i].RoleWhy = roles[i], "your answer"
		}
		d.Hosts[i].RoleSure = true // answered, or left as guessed on purpose
	}
	if env != d.Environment {
		d.Environment, d.EnvWhy = env, "your answer"
	}
	if canonical != d.Canonical {
		d.Canonical = canonical
		d.Web.SetCanonical(ctx, n, canonical)
	}
	d.Candidates = nil
	return nil
}

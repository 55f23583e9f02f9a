package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/launchready/launchready/runbook"
)

// writePlan prints what a run would do (--dry-run).
func writePlan(w io.Writer, p runbook.Plan) {
	fmt.Fprintf(w, "Dry run of %s (%s): nothing runs.\n", p.Runbook, p.File)
	if d := strings.TrimSpace(p.Description); d != "" {
		fmt.Fprintf(w, "\n%s\n", indent(d, "  "))
	}
	if len(p.Inputs) > 0 {
		fmt.Fprintln(w, "\nInputs")
		for _, in := range p.Inputs {
			where := "before step 1"
			if in.Step > 0 {
				where = fmt.Sprintf("at step %d", in.Step)
			}
			v := ""
			switch {
			case in.Secret:
				v = " (secret)"
			case in.Value != "":
				v = " = " + in.Value
			}
			fmt.Fprintf(w, "  %-16s %s, from %s%s\n", in.Name, where, in.Source, v)
		}
	}
	if p.Holds != "" {
		fmt.Fprintf(w, "\nAlerts held while it runs (maintenance window read by launchready watch): %s\n", p.Holds)
	}
	fmt.Fprintln(w, "\nSteps")
	for _, s := range p.Steps {
		fmt.Fprintf(w, "  %d. %s\n", s.Number, s.Title)
		if s.Confirm != "" {
			fmt.Fprintf(w, "     confirm:  %s\n", s.Confirm)
		}
		if s.Input != "" {
			fmt.Fprintf(w, "     input:    %s\n", s.Input)
		}
		if s.Generate != "" {
			fmt.Fprintf(w, "     generate: %s\n", s.Generate)
		}
		if s.Run != "" {
			fmt.Fprintf(w, "     run:      %s\n", indent(strings.TrimSpace(s.Run), "               ")[15:])
			fmt.Fprintf(w, "               in %s, timeout %s", s.Cwd, runbook.ShortDuration(s.Timeout))
			if len(s.Reads) > 0 {
				fmt.Fprintf(w, ", reads $%s", strings.Join(s.Reads, " $"))
			}
			fmt.Fprintln(w)
		}
		if s.Capture != "" {
			fmt.Fprintf(w, "     capture:  %s (the output's last line)\n", s.Capture)
		}
		if s.Check != "" {
			fmt.Fprintf(w, "     check:    %s\n", s.Check)
		}
		if s.Rollback != "" {
			fmt.Fprintf(w, "     rollback: %s\n", indent(strings.TrimSpace(s.Rollback), "               ")[15:])
		}
	}
}

func indent(s, pre string) string {
	return pre + strings.ReplaceAll(s, "\n", "\n"+pre)
}

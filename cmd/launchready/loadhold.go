package main

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/launchready/launchready/internal/alert"
	"github.com/launchready/launchready/internal/load"
	"github.com/launchready/launchready/internal/loadhold"
	"github.com/launchready/launchready/probes"
	"github.com/launchready/launchready/runbook"
)

// holdAlerts opens the load run's maintenance window for the checks it will upset and
// returns what closes it. The close is deferred by the caller, so it runs however the run
// ends: held, stopped early, interrupted (Ctrl+C cancels the command's context and Run
// returns) or failed. Without a state folder, or when the window cannot be written, the run
// goes on and says that watch may page: the run matters more than quiet alerts.
//
// A lab run holds nothing: it shares the real state folder, and its window would name the
// example config's checks (smoke among them, a fixed name every config has), so a
// production watch on that folder would stop paging about its own smoke flow.
func holdAlerts(w io.Writer, log *slog.Logger, stateDir string, lab bool, checks []probes.Check, plan load.Plan) func() {
	if lab {
		fmt.Fprintln(w, "  alerts    none held (lab run: a window in the state folder would quiet a production watch there)")
		return func() {}
	}
	var infos []probes.CheckInfo
	for _, c := range checks {
		infos = append(infos, c.Info())
	}
	names := loadhold.Affected(infos, plan.Flows)
	switch {
	case len(names) == 0:
		return func() {}
	case stateDir == "":
		fmt.Fprintln(w, "note: no state folder, so no maintenance window: a watch may page about", strings.Join(names, ", "))
		return func() {}
	}
	sp, file, err := loadhold.Open(stateDir, os.Getpid(), names, time.Now(), plan.Ramp+plan.Duration, runbook.CurrentOperator(nil).String())
	if err != nil {
		fmt.Fprintln(w, "note: alerts are NOT held for this run:", err)
		return func() {}
	}
	fmt.Fprintf(w, "  alerts    held for %s until %s or the end of the run (maintenance window %s)\n", sp.What(), sp.Until.Format("15:04"), file)
	log.Info("load run holds alerts", "window", file, "checks", len(names), "until", sp.Until)
	return func() {
		if err := alert.EndMaintenance(file); err != nil {
			fmt.Fprintln(w, "note:", err, "(it expires on its own at", sp.Until.Format("15:04")+")")
			return
		}
		log.Info("load run released alerts", "window", file)
	}
}

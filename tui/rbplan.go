package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/viewport"
	tea "charm.land/bubbletea/v2"
	"charm.land/glamour/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/launchready/launchready/runbook"
)

// planView is a runbook before it runs: its description rendered from Markdown, the
// inputs it will ask for and where each would come from, and every step with its
// command, confirmation, check and rollback. enter or x starts it.
type planView struct {
	sh   *shared
	rb   *runbook.Runbook
	plan runbook.Plan
	vp   viewport.Model
	// The rendered description, for the width and palette it was rendered at.
	md           []string
	mdW          int
	mdDark, mdOK bool
	w            int
}

func newPlanView(sh *shared, rb *runbook.Runbook, plan runbook.Plan) *planView {
	vp := viewport.New()
	vp.SoftWrap = false
	return &planView{sh: sh, rb: rb, plan: plan, vp: vp}
}

func (v *planView) view(w, h int) string {
	st := v.sh.st
	head := " " + st.title.Render("Runbook "+v.plan.Runbook) + st.dim.Render(fmt.Sprintf(" · %s · %s", plural(len(v.plan.Steps), "step"), v.plan.File))
	start := st.bold.Render("enter") + " or " + st.bold.Render("x") + " starts it · " + st.bold.Render("esc") + " back"
	if widthOf(head)+widthOf(start)+3 <= w {
		head += strings.Repeat(" ", w-widthOf(head)-widthOf(start)-1) + start
	}
	if v.w != w || v.vp.Height() != h-1 {
		y := v.vp.YOffset()
		v.vp.SetWidth(w)
		v.vp.SetHeight(max(1, h-1))
		v.vp.SetContentLines(v.lines(w))
		v.vp.SetYOffset(y)
		v.w = w
	}
	return frame(append([]string{head}, strings.Split(v.vp.View(), "\n")...), w, h)
}

// lines are the plan as text, w cells wide.
func (v *planView) lines(w int) []string {
	st := v.sh.st
	p := v.plan
	out := v.description(w)
	if len(p.Inputs) > 0 {
		out = append(out, "", " "+st.bold.Render("Inputs"))
		for _, in := range p.Inputs {
			when := "asked before step 1"
			if in.Step > 0 {
				when = fmt.Sprintf("asked at step %d", in.Step)
			}
			from := in.Source
			switch {
			case in.Secret && in.Source == "environment":
				from = "from $" + in.Name + " in the environment (never shown)"
			case in.Secret:
				from = "secret: typed without echo, never shown or written down"
			case in.Value != "":
				from = fmt.Sprintf("%s: %s", in.Source, in.Value)
			case in.Source == "ask":
				from = "you type it"
			}
			prompt := in.Prompt
			if prompt == "" {
				prompt = in.Name
			}
			for i, l := range wrap(prompt, w, strings.Repeat(" ", 20)) {
				if i == 0 {
					l = "   " + st.bold.Render(fmt.Sprintf("%-16s", in.Name)) + " " + strings.TrimLeft(l, " ")
				}
				out = append(out, l)
			}
			for _, l := range wrap(when+" · "+from, w, strings.Repeat(" ", 20)) {
				out = append(out, st.dim.Render(l))
			}
		}
	}
	out = append(out, "", " "+st.bold.Render("Steps"))
	numW := len(fmt.Sprint(len(p.Steps)))
	ind := strings.Repeat(" ", numW+6)
	for _, s := range p.Steps {
		out = append(out, fmt.Sprintf("   %*d  %s", numW, s.Number, st.bold.Render(s.Title)))
		add := func(label, text string, stl styleFn) {
			for i, l := range wrap(label+text, w-len(ind)-1, "") {
				if i > 0 {
					l = "  " + l
				}
				out = append(out, ind+stl.Render(l))
			}
		}
		if s.Confirm != "" {
			add("? ", s.Confirm, st.warnText)
		}
		if s.Input != "" {
			add("", "input $"+s.Input, st.dim)
		}
		if s.Generate != "" {
			add("", "generate "+s.Generate+" (never shown)", st.dim)
		}
		if s.Run != "" {
			for i, l := range strings.Split(strings.TrimRight(s.Run, "\n"), "\n") {
				pre := "$ "
				if i > 0 {
					pre = "  "
				}
				add(pre, l, st.bold)
			}
			meta := "timeout " + durText(s.Timeout)
			if s.Cwd != "" {
				meta += " · in " + s.Cwd
			}
			if len(s.Reads) > 0 {
				meta += " · reads $" + strings.Join(s.Reads, " $")
			}
			if s.Capture != "" {
				meta += " · last line becomes $" + s.Capture
			}
			add("", meta, st.dim)
		}
		if s.Check != "" {
			add("check: ", s.Check, st.marker)
		}
		if s.Rollback != "" {
			add("↩ rollback: ", oneLine(s.Rollback), st.dim)
		}
	}
	out = append(out, "", st.dim.Render(" Every run is recorded in a transcript in the state folder; one run at a time."))
	return out
}

// description is the runbook's Markdown rendered for the terminal (glamour), once per
// width and palette.
func (v *planView) description(w int) []string {
	if v.plan.Description == "" {
		return nil
	}
	if v.mdOK && v.mdW == w && v.mdDark == v.sh.dark {
		return v.md
	}
	style := "dark"
	if !v.sh.dark {
		style = "light"
	}
	text := v.plan.Description
	r, err := glamour.NewTermRenderer(glamour.WithStandardStyle(style), glamour.WithWordWrap(max(20, w-4)))
	if err == nil {
		text, err = r.Render(v.plan.Description)
	}
	lines := strings.Split(strings.Trim(text, "\n"), "\n")
	if err != nil {
		lines = wrap(v.plan.Description, w-2, " ")
	}
	for len(lines) > 0 && strings.TrimSpace(ansi.Strip(lines[0])) == "" {
		lines = lines[1:]
	}
	v.md, v.mdW, v.mdDark, v.mdOK = lines, w, v.sh.dark, true
	return lines
}

// key scrolls the plan; it reports whether it used the key.
func (v *planView) key(msg tea.KeyPressMsg) bool {
	return scrollKey(&v.vp, msg, v.sh.keys)
}

func (v *planView) wheel(msg tea.MouseWheelMsg) { scrollWheel(&v.vp, msg) }

// scrollKey moves a viewport for the movement keys.
func scrollKey(vp *viewport.Model, msg tea.KeyPressMsg, k *keyMap) bool {
	switch {
	case key.Matches(msg, k.Up):
		vp.ScrollUp(1)
	case key.Matches(msg, k.Down):
		vp.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		vp.PageUp()
	case key.Matches(msg, k.PageDown):
		vp.PageDown()
	case key.Matches(msg, k.Top):
		vp.GotoTop()
	case key.Matches(msg, k.Bottom):
		vp.GotoBottom()
	default:
		return false
	}
	return true
}

func scrollWheel(vp *viewport.Model, msg tea.MouseWheelMsg) {
	switch msg.Button {
	case tea.MouseWheelUp:
		vp.ScrollUp(3)
	case tea.MouseWheelDown:
		vp.ScrollDown(3)
	}
}

package tui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/launchready/launchready/runbook"
)

// promptDialog answers one question the engine asks: a step's confirmation, an input
// (a secret one masked as it is typed, and never drawn), or what to do after a failure or
// on finding an unfinished run. It takes keys and returns an action; the pane sends the
// answer to the waiting engine.
type promptDialog struct {
	sh     *shared
	msg    rbPromptMsg
	field  textinput.Model
	cursor int
	hint   string
}

// dialogAction is what a dialog asks its parent to do once it has handled a key.
type dialogAction interface{ isDialogAction() }

// answerAction: send this reply to the engine and close the dialog.
type answerAction struct{ reply runbook.Reply }

// quitAction: the operator confirmed quitting with a run under way.
type quitAction struct{}

// closeAction: the dialog is done and nothing follows.
type closeAction struct{}

func (answerAction) isDialogAction() {}
func (quitAction) isDialogAction()   {}
func (closeAction) isDialogAction()  {}

func newPromptDialog(sh *shared, msg rbPromptMsg) (*promptDialog, tea.Cmd) {
	d := &promptDialog{sh: sh, msg: msg}
	if in := msg.input; in != nil {
		f := textinput.New()
		f.Prompt = "› "
		f.CharLimit = 4096
		ist := f.Styles()
		ist.Cursor.Blink = false
		f.SetStyles(ist)
		if in.Secret {
			// The value is never drawn: each character shows as a dot.
			f.EchoMode, f.EchoCharacter = textinput.EchoPassword, '•'
		}
		switch {
		case in.Env != "" && in.Secret:
			f.Placeholder = "enter: use $" + in.Name + " from the environment"
		case in.Env != "":
			f.Placeholder = in.Env + " (from $" + in.Name + ")"
		case in.Default != "":
			f.Placeholder = in.Default + " (default)"
		}
		d.field = f
		return d, d.field.Focus()
	}
	return d, nil
}

// secret says whether the dialog holds a secret being typed.
func (d *promptDialog) secret() bool { return d.msg.input != nil && d.msg.input.Secret }

// what says in a few words what the engine waits for, for the step's row.
func (d *promptDialog) what() string {
	switch {
	case d.msg.confirm != nil:
		return "confirm"
	case d.msg.input != nil:
		return "input " + d.msg.input.Name
	case d.msg.choice != nil && d.msg.choice.Kind == runbook.ChoiceResume:
		return "resume?"
	}
	return "what next?"
}

// update handles a key: an action when the question is answered, and whether the key
// was the dialog's (keys it does not use go on to the console: tab to look at the
// Endpoints pane before choosing, q, ?).
func (d *promptDialog) update(msg tea.KeyPressMsg) (dialogAction, tea.Cmd, bool) {
	k := d.sh.keys
	d.hint = ""
	switch {
	case d.msg.confirm != nil:
		switch {
		case key.Matches(msg, k.Yes):
			return answerAction{runbook.Reply{Yes: true}}, nil, true
		case key.Matches(msg, k.No):
			return answerAction{runbook.Reply{Yes: false}}, nil, true
		case key.Matches(msg, k.Submit):
			d.hint = "y goes on; n stops the step (you then choose: retry, skip, roll back or abort)"
			return nil, nil, true
		}
	case d.msg.input != nil:
		if key.Matches(msg, k.Submit) {
			in := d.msg.input
			v := d.field.Value()
			d.field.SetValue("") // the dialog keeps no copy of the answer
			if v == "" && in.Env != "" {
				return answerAction{runbook.Reply{Value: in.Env, By: "environment"}}, nil, true
			}
			return answerAction{runbook.Reply{Value: v}}, nil, true
		}
		var cmd tea.Cmd
		d.field, cmd = d.field.Update(msg)
		return nil, cmd, true
	case d.msg.choice != nil:
		cs := d.msg.choice.Choices
		switch {
		case key.Matches(msg, k.Up):
			d.cursor = max(0, d.cursor-1)
			return nil, nil, true
		case key.Matches(msg, k.Down):
			d.cursor = min(len(cs)-1, d.cursor+1)
			return nil, nil, true
		case key.Matches(msg, k.Submit):
			return answerAction{runbook.Reply{Choice: cs[d.cursor]}}, nil, true
		}
		for _, c := range cs {
			if key.Matches(msg, k.decisionKey(c)) {
				return answerAction{runbook.Reply{Choice: c}}, nil, true
			}
		}
	}
	return nil, nil, false
}

// unused is told about a key nobody used while the dialog is open.
func (d *promptDialog) unused() {
	switch {
	case d.msg.confirm != nil:
		d.hint = "the run waits: y goes on, n stops the step"
	case d.msg.choice != nil:
		d.hint = "the run waits: press a choice's key, or move with ↑ ↓ and press enter"
	}
}

// keys are the footer's keys while the dialog is open.
func (d *promptDialog) keys() []key.Binding {
	k := d.sh.keys
	switch {
	case d.msg.input != nil:
		return []key.Binding{k.Submit}
	case d.msg.confirm != nil:
		return []key.Binding{k.Yes, k.No, k.NextTab, k.Help, k.Quit}
	}
	return []key.Binding{k.Up, k.Down, k.Submit, k.NextTab, k.Help, k.Quit}
}

// paste takes pasted text into an input (a secret is usually pasted).
func (d *promptDialog) paste(msg tea.PasteMsg) tea.Cmd {
	if d.msg.input == nil {
		return nil
	}
	var cmd tea.Cmd
	d.field, cmd = d.field.Update(msg)
	return cmd
}

// decisionText says what each choice does, so nobody has to guess at 2 a.m.
var decisionText = map[runbook.Decision]string{
	runbook.Retry:    "retry       the failed part again (a failed check looks again)",
	runbook.Skip:     "skip        go on without it (recorded as skipped)",
	runbook.RollBack: "roll back   undo the completed steps, newest first",
	runbook.Abort:    "abort       stop here and undo nothing",
	runbook.Continue: "continue    carry on from where it stopped",
	runbook.Abandon:  "abandon     close it, undo nothing",
	runbook.Cancel:   "leave it    do nothing now; it stays unfinished",
}

// view is the dialog as a box w cells wide.
func (d *promptDialog) view(w int) []string {
	st, k := d.sh.st, d.sh.keys
	inner := w - 4
	var title string
	var lines []string
	add := func(s string) { lines = append(lines, wrap(s, inner, "")...) }
	req := d.request()
	where := "Runbook " + req.Runbook
	if req.Step > 0 {
		where = fmt.Sprintf("Step %d of %d · %s", req.Step, req.Steps, req.StepName)
	}
	switch {
	case d.msg.confirm != nil:
		c := d.msg.confirm
		title = where + " · confirm"
		for _, l := range wrap(c.Question, inner, "") {
			lines = append(lines, st.bold.Render(l))
		}
		if c.Next != "" {
			for _, l := range wrap("next: $ "+oneLine(c.Next), inner, "") {
				lines = append(lines, st.dim.Render(l))
			}
		}
		lines = append(lines, st.bold.Render(k.Yes.Help().Key)+" yes, go on   "+st.bold.Render(k.No.Help().Key)+" no, stop the step")
	case d.msg.input != nil:
		in := d.msg.input
		kind := "input " + in.Name
		if in.Secret {
			kind += " (secret)"
		}
		title = where + " · " + kind
		if in.Lost != "" {
			for _, l := range wrap(in.Lost, inner, "") {
				lines = append(lines, st.warnText.Render(l))
			}
		}
		prompt := in.Prompt
		if prompt == "" {
			prompt = in.Name
		}
		for _, l := range wrap(prompt, inner, "") {
			lines = append(lines, st.bold.Render(l))
		}
		d.field.SetWidth(max(10, inner-4))
		lines = append(lines, d.field.View())
		if in.Problem != "" {
			for _, l := range wrap("✖ not taken: "+in.Problem, inner, "") {
				lines = append(lines, st.bad.Render(l))
			}
		}
		note := "enter answers"
		if in.Secret {
			note = "hidden as you type; never shown, never written down · " + note
		}
		for _, l := range wrap(note, inner, "") {
			lines = append(lines, st.dim.Render(l))
		}
	case d.msg.choice != nil:
		c := d.msg.choice
		switch c.Kind {
		case runbook.ChoiceResume:
			title = "Unfinished run"
			if u := c.Unfinished; u != nil {
				add(fmt.Sprintf("Run %s of %s was left unfinished: started %s by %s, %d of %d steps done.",
					u.ID, u.Runbook, u.Started.Local().Format("Jan 2 15:04"), u.Operator, u.Done, u.Steps))
			}
		case runbook.ChoiceRollbackFailed:
			title = where + " · rollback failed"
		default:
			title = where + " · failed"
		}
		for _, l := range wrap(c.Reason, inner, "") {
			lines = append(lines, st.bad.Render(l))
		}
		for i, ch := range c.Choices {
			mark := "  "
			text := decisionText[ch]
			if text == "" {
				text = string(ch)
			}
			line := fmt.Sprintf("%s%-3s %s", mark, k.decisionKey(ch).Help().Key, text)
			if i == d.cursor {
				line = st.selected.Render(fitCell("› "+line[2:], inner, false))
			}
			lines = append(lines, line)
		}
	}
	if d.hint != "" {
		for _, l := range wrap(d.hint, inner, "") {
			lines = append(lines, st.flash.Render(l))
		}
	}
	return box(st, title, lines, w, st.dialogBorder)
}

func (d *promptDialog) request() runbook.Request {
	switch {
	case d.msg.confirm != nil:
		return d.msg.confirm.Request
	case d.msg.input != nil:
		return d.msg.input.Request
	case d.msg.choice != nil:
		return d.msg.choice.Request
	}
	return runbook.Request{}
}

// confirmDialog is a yes/no question of the console's own: quitting while a run is under
// way.
type confirmDialog struct {
	sh    *shared
	title string
	lines []string
}

func (c *confirmDialog) update(msg tea.KeyPressMsg) dialogAction {
	k := c.sh.keys
	switch {
	case key.Matches(msg, k.Yes), key.Matches(msg, k.StopStep):
		return quitAction{}
	case key.Matches(msg, k.No), key.Matches(msg, k.Back):
		return closeAction{}
	}
	return nil
}

func (c *confirmDialog) view(w, h int) string {
	st := c.sh.st
	bw := min(w, 72)
	var lines []string
	for _, l := range c.lines {
		lines = append(lines, wrap(l, bw-4, "")...)
	}
	lines = append(lines, "", st.bold.Render("y")+" quit and leave the run unfinished   "+st.bold.Render("n")+" stay")
	b := box(st, c.title, lines, bw, st.dialogBorder)
	top := max(0, (h-len(b))/2)
	left := strings.Repeat(" ", max(0, (w-bw)/2))
	out := make([]string, 0, h)
	for i := 0; i < top; i++ {
		out = append(out, "")
	}
	for _, l := range b {
		out = append(out, left+l)
	}
	return frame(out, w, h)
}

// Package doctext holds the small text helpers the written deliverables (the audit, the
// handover pack) share, so both escape outside text the same way: a page title or a DNS
// record must never become markup in a founder's file.
package doctext

import (
	"strconv"
	"strings"
)

var mdEscaper = strings.NewReplacer(`\`, `\\`, "*", `\*`, "_", `\_`, "`", "\\`", "[", `\[`, "]", `\]`, "<", "&lt;", ">", "&gt;", "#", `\#`, "|", `\|`)

// MD escapes what Markdown would read as markup in outside text (a page title, a record).
func MD(s string) string { return mdEscaper.Replace(s) }

// Cell is MD on one line, for a table cell.
func Cell(s string) string { return MD(OneLine(s)) }

// Code makes text safe inside a Markdown code span.
func Code(s string) string { return strings.ReplaceAll(s, "`", "'") }

// OneLine folds whitespace, newlines included, into single spaces.
func OneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// Plural is "1 day", "3 days".
func Plural(n int, w string) string {
	if n == 1 || n == -1 {
		return strconv.Itoa(n) + " " + w
	}
	return strconv.Itoa(n) + " " + w + "s"
}

// MDSpans is MD for text that marks its code the Markdown way, between backticks (a
// finding's fix: "set `history.retention_days: 30`"): the spans stay code spans, as typed,
// and only the prose between them is escaped. Escaping the whole text instead shows
// literal backticks, and a backslash before every _ or [ wherever the file is read raw.
// A backtick with no partner is prose.
func MDSpans(s string) string {
	var b strings.Builder
	for _, sp := range Spans(s) {
		if sp.Code {
			b.WriteString("`" + sp.Text + "`")
		} else {
			b.WriteString(MD(sp.Text))
		}
	}
	return b.String()
}

// Span is a run of text, code (between backticks) or prose.
type Span struct {
	Text string
	Code bool
}

// Spans splits text at its backtick pairs: what MDSpans writes as Markdown and the
// handover's HTML as <code>.
func Spans(s string) []Span {
	var out []Span
	for s != "" {
		i := strings.IndexByte(s, '`')
		j := -1
		if i >= 0 {
			j = strings.IndexByte(s[i+1:], '`')
		}
		if i < 0 || j <= 0 {
			if i >= 0 && j == 0 { // `` is no code: keep both as prose and go on
				out = append(out, Span{Text: s[:i+2]})
				s = s[i+2:]
				continue
			}
			out = append(out, Span{Text: s})
			break
		}
		if i > 0 {
			out = append(out, Span{Text: s[:i]})
		}
		out = append(out, Span{Text: s[i+1 : i+1+j], Code: true})
		s = s[i+2+j:]
	}
	return out
}

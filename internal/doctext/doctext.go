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

package tui

import (
	"strings"
)

// column is one column of a table. A column with flex > 0 shares the width left over by
// fixed columns (at least min cells); when the screen is too narrow, the column with the
// highest drop number goes first, so the state, target and title survive at 80 columns.
type column struct {
	title string
	width int // fixed width; ignored when flex > 0
	min   int // least width of a flexible column
	want  int // width a flexible column should have before a luxury column is kept
	flex  int // share of the leftover width
	drop  int // 0: never dropped; higher numbers are dropped first
	right bool
}

// luxury is the drop number from which a column gives way to the flexible columns'
// wanted widths: a target cut to "https://api.acme.e…" is worth less than a ttfb column.
const luxury = 25

const colGap = 1

// layout returns each column's width for the total width, 0 for a dropped column.
func layout(cols []column, total int) []int {
	widths := make([]int, len(cols))
	kept := make([]bool, len(cols))
	for i := range cols {
		kept[i] = true
	}
	need := func(wanted bool) int {
		n := 0
		first := true
		for i, c := range cols {
			if !kept[i] {
				continue
			}
			if !first {
				n += colGap
			}
			first = false
			switch {
			case c.flex > 0 && wanted:
				n += max(c.min, c.want)
			case c.flex > 0:
				n += c.min
			default:
				n += c.width
			}
		}
		return n
	}
	dropWorst := func(from int) bool {
		worst := -1
		for i, c := range cols {
			if kept[i] && c.drop >= from && c.drop > 0 && (worst < 0 || c.drop > cols[worst].drop) {
				worst = i
			}
		}
		if worst >= 0 {
			kept[worst] = false
		}
		return worst >= 0
	}
	for need(true) > total && dropWorst(luxury) {
	}
	for need(false) > total && dropWorst(1) {
	}
	spare := total - need(false)
	flexSum := 0
	for i, c := range cols {
		if kept[i] && c.flex > 0 {
			flexSum += c.flex
		}
	}
	lastFlex := -1
	given := 0
	for i, c := range cols {
		if !kept[i] {
			continue
		}
		if c.flex == 0 {
			widths[i] = c.width
			continue
		}
		extra := 0
		if spare > 0 && flexSum > 0 {
			extra = spare * c.flex / flexSum
		}
		widths[i] = c.min + extra
		given += extra
		lastFlex = i
	}
	if lastFlex >= 0 && spare > given {
		widths[lastFlex] += spare - given
	}
	return widths
}

// row joins cells at the layout's widths; cells of dropped columns are skipped.
func row(cells []string, cols []column, widths []int) string {
	var b strings.Builder
	first := true
	for i, w := range widths {
		if w == 0 {
			continue
		}
		if !first {
			b.WriteString(strings.Repeat(" ", colGap))
		}
		first = false
		cell := ""
		if i < len(cells) {
			cell = cells[i]
		}
		b.WriteString(fitCell(cell, w, cols[i].right))
	}
	return b.String()
}

// headerRow is the column titles.
func headerRow(cols []column, widths []int) string {
	cells := make([]string, len(cols))
	for i, c := range cols {
		cells[i] = c.title
	}
	return row(cells, cols, widths)
}

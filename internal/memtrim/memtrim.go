// Package memtrim hands back to the kernel memory a long-running command touched once at
// start and will not touch again.
//
// One launchready binary carries the console, its Markdown and syntax-highlighting
// libraries, SQLite and every command. Starting any command runs every package's
// initialisation, and the kernel maps the binary's code and read-only data in large
// blocks around each page touched (fault-around, and on recent kernels whole large
// folios of the page cache), so `launchready watch` starts with about 26 MB of its 43 MB
// binary resident, most of which a headless watch never runs again. Release drops those
// mappings, asks the kernel to map the binary page by page from then on, and returns
// free heap to the kernel, so the resident size of a process left running all week is
// close to what it uses.
package memtrim

// Stats is what one Release handed back.
type Stats struct {
	// BinaryBytes is how much of the executable's read-only mappings was resident before
	// they were dropped.
	BinaryBytes int64
	// Mappings is how many of the executable's read-only mappings were dropped.
	Mappings int
}

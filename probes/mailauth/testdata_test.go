package mailauth

import (
	"os"
	"path/filepath"
	"testing"
)

// sharedTestdata returns the third-party email test suites' folder: ../shared/testdata
// beside the repository (see STYLE.md), or LAUNCHREADY_TESTDATA when set (a worktree laid
// out elsewhere). It skips the test, saying why, when the folder is absent: a user's
// fresh clone has no shared/ beside it, and CI (.ci/run) fails before tests in that case.
func sharedTestdata(t testing.TB, parts ...string) string {
	t.Helper()
	dir := os.Getenv("LAUNCHREADY_TESTDATA")
	if dir == "" {
		dir = filepath.Join("..", "..", "..", "shared", "testdata")
	}
	p := filepath.Join(append([]string{dir}, parts...)...)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("third-party test data %s is absent (%v): lay out shared/testdata beside the repository, or set LAUNCHREADY_TESTDATA, to run this suite", p, err)
	}
	return p
}

package secretscan

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/zricethezav/gitleaks/v8/cmd/scm"
	"github.com/zricethezav/gitleaks/v8/config"
	"github.com/zricethezav/gitleaks/v8/detect"
	"github.com/zricethezav/gitleaks/v8/report"
	"github.com/zricethezav/gitleaks/v8/sources"
)

// RepoOptions says what of a repository to scan.
type RepoOptions struct {
	// Path is any folder inside the repository.
	Path string
	// Since limits history to the commits after REF (REF..HEAD) and skips the working
	// tree, for CI on a branch: the branch's own commits are what its review can fix.
	Since string
	// Now is the clock for the report's time (tests freeze it).
	Now func() time.Time
}

// Report is one repository scan. Every field is safe to print and store.
type Report struct {
	Repo     string    `json:"repo"`
	Head     string    `json:"head"`
	Since    string    `json:"since,omitempty"`
	Time     time.Time `json:"time"`
	Duration float64   `json:"duration_seconds"`
	Commits  int       `json:"commits_scanned"`
	Files    int       `json:"files_scanned"`
	Counts   Counts    `json:"counts"`
	Findings []Finding `json:"findings"`
}

// Counts sums a scan's findings.
type Counts struct {
	Critical int `json:"critical"`
	High     int `json:"high"`
	Medium   int `json:"medium"`
	Info     int `json:"info"`
	// Removed are secrets gone from the tree but alive in history.
	Removed int `json:"removed_but_in_history"`
	// Allowed were accepted by the allowlist or .gitleaksignore and are not listed.
	Allowed int `json:"allowed"`
}

// Leaks is the number of findings that are not public by design: the scan's verdict.
func (c Counts) Leaks() int { return c.Critical + c.High + c.Medium }

// ScanRepo scans a git repository: every commit reachable from any ref (or REF..HEAD with
// Since) and the files git tracks or would track (ignored files are not code: a local
// .env listed in .gitignore is how secrets are meant to be kept). A secret found in both
// is reported once, at its place in the tree, with the commit that introduced it.
func ScanRepo(ctx context.Context, o RepoOptions) (*Report, error) {
	now := o.Now
	if now == nil {
		now = time.Now
	}
	start := time.Now()
	if o.Path == "" {
		o.Path = "."
	}
	root, err := git(ctx, o.Path, "rev-parse", "--show-toplevel")
	if err != nil {
		return nil, fmt.Errorf("%s is not inside a git repository (%v): run the scan from the repository, or pass its path", o.Path, err)
	}
	head, err := git(ctx, root, "rev-parse", "--verify", "HEAD^{commit}")
	if err != nil {
		head = "" // a repository with no commit yet: only the tree is scanned
	}
	if o.Since != "" {
		if _, err := git(ctx, root, "rev-parse", "--verify", o.Since+"^{commit}"); err != nil {
			return nil, fmt.Errorf("--since %s: no such commit or ref in %s; in CI, fetch it first (git fetch origin main; actions/checkout with fetch-depth: 0)", o.Since, root)
		}
	}
	allow, err := LoadAllowlist(root)
	if err != nil {
		return nil, err
	}
	// Two detectors, history and tree scanned side by side: a detector's findings list is
	// read without its lock when DetectSource returns, so one detector cannot serve both.
	var ds [2]*detect.Detector
	for i := range ds {
		if ds[i], err = newDetector(ctx); err != nil {
			return nil, err
		}
		if ig := filepath.Join(root, ".gitleaksignore"); fileExists(ig) {
			if err := ds[i].AddGitleaksIgnore(ig); err != nil {
				return nil, fmt.Errorf("cannot read %s: %v", ig, err)
			}
		}
	}
	dh, dt := ds[0], ds[1]

	var (
		wg             sync.WaitGroup
		histErr, trErr error
		hist           = &watched{}
		files          int
		untracked      []string
	)
	if head != "" {
		opts := ""
		if o.Since != "" {
			opts = "--full-history --diff-filter=tuxdb " + o.Since + "..HEAD"
		}
		cmd, err := sources.NewGitLogCmdContext(ctx, root, opts)
		if err != nil {
			return nil, fmt.Errorf("cannot run git log in %s: %v", root, err)
		}
		hist.inner = &sources.Git{Cmd: cmd, Config: &dh.Config, Sema: dh.Sema, MaxArchiveDepth: dh.MaxArchiveDepth,
			// gitleaks dereferences the remote for every finding's link; no platform, no links.
			Remote: &sources.RemoteInfo{Platform: scm.NoPlatform}}
		wg.Go(func() { _, histErr = dh.DetectSource(ctx, hist) })
	}
	if o.Since == "" {
		list, others, err := gitFiles(ctx, root)
		if err != nil {
			return nil, err
		}
		files, untracked = len(list), others
		wg.Go(func() {
			_, trErr = dt.DetectSource(ctx, &tree{root: root, files: list, cfg: &dt.Config, d: dt})
		})
	}
	wg.Wait()
	if err := cmp.Or(ctx.Err(), histErr, trErr, hist.err()); err != nil {
		return nil, fmt.Errorf("the scan of %s did not finish: %v; run `git -C %s log --all -p >/dev/null` to see whether git itself fails", root, err, root)
	}
	rep := &Report{Repo: root, Head: head, Since: o.Since, Time: now(), Commits: hist.commits(), Files: files}
	rep.Findings, rep.Counts = merge(append(dh.Findings(), dt.Findings()...), allow)
	for i, f := range rep.Findings {
		if f.Where == WhereTree && slices.Contains(untracked, f.File) {
			rep.Findings[i].Where = WhereUncommitted
		}
	}
	rep.Duration = time.Since(start).Seconds()
	return rep, nil
}

// merge converts, filters by the allowlist, and folds history into the tree: a secret
// still in the tree is reported there (with the commit that introduced it), one only in
// history is reported once per file, at the commit that introduced it.
func merge(raw []report.Finding, allow *Allowlist) ([]Finding, Counts) {
	var c Counts
	var treeFs, histFs []Finding
	for i := range raw {
		f := fromGitleaks(&raw[i])
		if allow.allowed(f) {
			c.Allowed++
			continue
		}
		if f.Commit == "" {
			f.Where = WhereTree
			treeFs = append(treeFs, f)
		} else {
			histFs = append(histFs, f)
		}
	}
	// The oldest commit first, so the first one seen per secret is where it came in.
	slices.SortStableFunc(histFs, func(a, b Finding) int { return cmp.Compare(a.Date, b.Date) })
	inTree := map[[32]byte]int{}
	for i, f := range treeFs {
		inTree[f.sum] = i
	}
	type key struct {
		sum  [32]byte
		file string
	}
	seen := map[key]bool{}
	out := treeFs
	for _, f := range histFs {
		if i, ok := inTree[f.sum]; ok {
			if out[i].Commit == "" {
				out[i].Commit, out[i].Date = f.Commit, f.Date
			}
			continue
		}
		k := key{f.sum, f.File}
		if seen[k] {
			continue
		}
		seen[k] = true
		f.Where = WhereHistory
		f.Advice = "removing it from the code is not enough: every clone and fork still has it in history. " + f.Advice
		out = append(out, f)
	}
	for _, f := range out {
		switch f.Level {
		case Critical:
			c.Critical++
		case High:
			c.High++
		case Medium:
			c.Medium++
		default:
			c.Info++
		}
		if f.Removed() && !f.Public {
			c.Removed++
		}
	}
	slices.SortStableFunc(out, func(a, b Finding) int {
		return cmp.Or(cmp.Compare(b.Level, a.Level), cmp.Compare(b.Where, a.Where) /* tree before history */, cmp.Compare(a.File, b.File), cmp.Compare(a.Line, b.Line))
	})
	return out, c
}

// watched passes a source's fragments through, keeping what gitleaks only logs: the
// errors (git failing half way must not read as "clean") and the commits seen.
type watched struct {
	inner sources.Source
	mu    sync.Mutex
	errs  []error
	shas  map[string]bool
}

func (w *watched) Fragments(ctx context.Context, yield sources.FragmentsFunc) error {
	return w.inner.Fragments(ctx, func(f sources.Fragment, err error) error {
		w.mu.Lock()
		if err != nil {
			w.errs = append(w.errs, err)
		}
		if f.CommitSHA != "" {
			if w.shas == nil {
				w.shas = map[string]bool{}
			}
			w.shas[f.CommitSHA] = true
		}
		w.mu.Unlock()
		return yield(f, err)
	})
}

func (w *watched) err() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return errors.Join(w.errs...)
}

func (w *watched) commits() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.shas)
}

// tree is the working tree as git sees it, as a gitleaks source; paths are relative to the
// root, so fingerprints match gitleaks' own for the same repository.
type tree struct {
	root  string
	files []string
	cfg   *config.Config
	d     *detect.Detector
}

func (t *tree) Fragments(ctx context.Context, yield sources.FragmentsFunc) error {
	var wg sync.WaitGroup
	for _, rel := range t.files {
		if ctx.Err() != nil {
			break
		}
		wg.Add(1)
		t.d.Sema.Go(func() error {
			defer wg.Done()
			fh, err := os.Open(filepath.Join(t.root, rel))
			if err != nil {
				return nil // deleted in the tree but not yet in the index
			}
			defer fh.Close()
			if st, err := fh.Stat(); err != nil || !st.Mode().IsRegular() {
				return nil
			}
			f := sources.File{Content: fh, Path: rel, Config: t.cfg, MaxArchiveDepth: t.d.MaxArchiveDepth}
			return f.Fragments(ctx, yield)
		})
	}
	wg.Wait()
	return ctx.Err()
}

// gitFiles lists what git tracks plus untracked files it does not ignore, and which of
// them are untracked, in one git ls-files (-t tags untracked files with "?"): one git
// process per scan instead of two.
func gitFiles(ctx context.Context, root string) (files, untracked []string, err error) {
	cmd := exec.CommandContext(ctx, "git", "-C", root, "ls-files", "-z", "-t", "--cached", "--others", "--exclude-standard")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, nil, fmt.Errorf("git ls-files in %s failed: %v %s", root, err, strings.TrimSpace(stderr.String()))
	}
	seen := map[string]bool{}
	for _, e := range strings.Split(string(out), "\x00") {
		tag, f, ok := strings.Cut(e, " ")
		if !ok || f == "" || seen[f] { // a file in conflict is listed once per stage
			continue
		}
		seen[f] = true
		files = append(files, f)
		if tag == "?" {
			untracked = append(untracked, f)
		}
	}
	return files, untracked, nil
}

func git(ctx context.Context, dir string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, "git", append([]string{"-C", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return "", errors.New(msg)
		}
		return "", err
	}
	return strings.TrimSpace(string(out)), nil
}

func fileExists(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.Mode().IsRegular()
}

// Head is the repository's HEAD commit now, for "has it moved since the last scan?".
func Head(ctx context.Context, repo string) (string, error) {
	return git(ctx, repo, "rev-parse", "--verify", "HEAD^{commit}")
}

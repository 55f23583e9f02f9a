package runbook

import (
	"regexp"
	"strings"
)

// varRefs lists the environment variables a bash command text reads ($NAME, ${NAME},
// ${NAME:-x}), in order of first use, skipping what bash would not expand: text in single
// quotes, escaped dollars, and quoted here-documents. Only UPPER_SNAKE names are returned:
// lower-case names are the command's own shell variables, and runbook variables must be
// upper case, so a typo in one ($RELEAES) is caught before anything runs.
func varRefs(cmd string) []string {
	var out []string
	seen := map[string]bool{}
	add := func(n string) {
		if isVarName(n) && !seen[n] {
			seen[n] = true
			out = append(out, n)
		}
	}
	inSingle, inDouble := false, false
	for i := 0; i < len(cmd); i++ {
		c := cmd[i]
		switch {
		case inSingle:
			if c == '\'' {
				inSingle = false
			}
		case c == '\\':
			i++ // the next character is literal
		case c == '\'' && !inDouble:
			inSingle = true
		case c == '"':
			inDouble = !inDouble
		case c == '<' && !inDouble && strings.HasPrefix(cmd[i:], "<<"):
			if end := quotedHeredocEnd(cmd, i); end > i {
				i = end
			}
		case c == '$' && i+1 < len(cmd):
			j := i + 1
			if cmd[j] == '{' {
				j++
				for j < len(cmd) && (cmd[j] == '#' || cmd[j] == '!') {
					j++
				}
			}
			k := j
			for k < len(cmd) && isNameByte(cmd[k], k == j) {
				k++
			}
			if k > j {
				add(cmd[j:k])
			}
			i = k - 1
		}
	}
	return out
}

var heredocQuoted = regexp.MustCompile(`^<<-?[ \t]*(?:'([A-Za-z_][A-Za-z0-9_]*)'|"([A-Za-z_][A-Za-z0-9_]*)"|\\([A-Za-z_][A-Za-z0-9_]*))`)

// quotedHeredocEnd returns the index of the end of a here-document whose delimiter is
// quoted (<<'EOF'), whose body bash does not expand; -1 for anything else.
func quotedHeredocEnd(cmd string, i int) int {
	m := heredocQuoted.FindStringSubmatch(cmd[i:])
	if m == nil {
		return -1
	}
	delim := m[1] + m[2] + m[3]
	nl := strings.IndexByte(cmd[i:], '\n')
	if nl < 0 {
		return len(cmd) - 1
	}
	pos := i + nl + 1
	for pos < len(cmd) {
		end := strings.IndexByte(cmd[pos:], '\n')
		line := cmd[pos:]
		if end >= 0 {
			line = cmd[pos : pos+end]
		}
		if strings.TrimLeft(line, "\t") == delim {
			return pos + len(line) - 1
		}
		if end < 0 {
			break
		}
		pos += end + 1
	}
	return len(cmd) - 1
}

var shellAssign = regexp.MustCompile(`(?:^|[\s;&|(!])([A-Z_][A-Z0-9_]*)(?:\[[^\]]*\])?\+?=|\bfor[ \t]+([A-Z_][A-Z0-9_]*)[ \t]+in\b|\bread[ \t]+(?:-[A-Za-z]+[ \t]+(?:\S+[ \t]+)?)*([A-Z_][A-Z0-9_]*)`)

// shellLocals lists the upper-case variables a command sets for itself (NAME=..., for NAME
// in, read NAME), which it may then read without the runbook declaring them.
func shellLocals(cmd string) map[string]bool {
	out := map[string]bool{}
	for _, m := range shellAssign.FindAllStringSubmatch(cmd, -1) {
		for _, g := range m[1:] {
			if g != "" {
				out[g] = true
			}
		}
	}
	return out
}

func isNameByte(c byte, first bool) bool {
	return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (!first && c >= '0' && c <= '9')
}

var varName = regexp.MustCompile(`^[A-Z][A-Z0-9_]*$`)

// isVarName says whether n is a runbook variable name: UPPER_SNAKE_CASE.
func isVarName(n string) bool { return varName.MatchString(n) }

// wellKnown are variables every shell or login session has; a command may read them
// without the runbook declaring them.
var wellKnown = map[string]bool{
	"HOME": true, "PATH": true, "USER": true, "LOGNAME": true, "SHELL": true, "PWD": true, "OLDPWD": true,
	"HOSTNAME": true, "TERM": true, "LANG": true, "LC_ALL": true, "LC_CTYPE": true, "TMPDIR": true, "TZ": true,
	"UID": true, "EUID": true, "PPID": true, "RANDOM": true, "SECONDS": true, "LINENO": true, "BASH": true,
	"BASHPID": true, "BASH_SOURCE": true, "BASH_VERSION": true, "BASH_REMATCH": true, "FUNCNAME": true, "IFS": true,
	"OPTARG": true, "OPTIND": true, "REPLY": true, "PIPESTATUS": true, "HOSTTYPE": true, "OSTYPE": true,
	"MACHTYPE": true, "SSH_CONNECTION": true, "SSH_CLIENT": true, "SUDO_USER": true, "XDG_RUNTIME_DIR": true,
	"XDG_CONFIG_HOME": true, "XDG_STATE_HOME": true, "XDG_DATA_HOME": true, "XDG_CACHE_HOME": true,
}

// Variables the engine sets for every command.
const (
	EnvRun     = "LAUNCHREADY_RUN"     // the run's id (its transcript's name)
	EnvRunbook = "LAUNCHREADY_RUNBOOK" // the runbook's name
	EnvStep    = "LAUNCHREADY_STEP"    // the step's number, from 1
	// EnvLabDir is the built-in lab's folder, set by the console and `runbook run` only
	// against the lab (unset otherwise): the demo's deploy deploys to the lab through it.
	EnvLabDir = "LAUNCHREADY_LAB_DIR"
)

func isReserved(n string) bool {
	return wellKnown[n] || strings.HasPrefix(n, "LAUNCHREADY_") || strings.HasPrefix(n, "BASH_") || n == "LD_PRELOAD" || n == "LD_LIBRARY_PATH"
}

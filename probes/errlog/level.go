package errlog

import (
	"fmt"
	"strconv"
	"strings"
)

// level is a log entry's severity, normalised across the dozen spellings logs use.
// unleveled is an entry that says nothing about its level (a bare line of text).
type level uint8

const (
	unleveled level = iota
	lvTrace
	lvDebug
	lvInfo
	lvNotice
	lvWarn
	lvError
	lvCritical
	lvAlert
	lvEmergency
	lvFatal
	lvPanic
	numLevels
)

var levelNames = [numLevels]string{"unleveled", "trace", "debug", "info", "notice", "warn", "error", "critical", "alert", "emergency", "fatal", "panic"}

func (l level) String() string { return levelNames[l] }

// levelWords maps every spelling we accept (lower case) to a level: slog, zap, logrus,
// zerolog, log4j, Python logging, Ruby Logger, Monolog, syslog, GCP severity.
var levelWords = map[string]level{
	"trace": lvTrace, "trc": lvTrace, "finest": lvTrace, "finer": lvTrace, "verbose": lvTrace,
	"debug": lvDebug, "dbg": lvDebug, "debu": lvDebug, "fine": lvDebug,
	"info": lvInfo, "inf": lvInfo, "information": lvInfo, "informational": lvInfo, "infor": lvInfo,
	"notice": lvNotice, "config": lvNotice,
	"warn": lvWarn, "warning": lvWarn, "wrn": lvWarn, "warni": lvWarn,
	"error": lvError, "err": lvError, "eror": lvError, "erro": lvError, "severe": lvError,
	"crit": lvCritical, "critical": lvCritical,
	"alert": lvAlert,
	"emerg": lvEmergency, "emergency": lvEmergency,
	"fatal": lvFatal, "ftl": lvFatal, "fata": lvFatal,
	"panic": lvPanic, "dpanic": lvPanic, "pani": lvPanic,
}

// defaultLevels count as errors unless the config says otherwise.
var defaultLevels = []string{"error", "critical", "alert", "emergency", "fatal", "panic"}

// levelSet is the levels that count as errors.
type levelSet [numLevels]bool

func parseLevelSet(words []string) (levelSet, error) {
	var s levelSet
	for _, w := range words {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "unleveled" {
			s[unleveled] = true
			continue
		}
		l, ok := levelWords[w]
		if !ok {
			return s, fmt.Errorf("unknown level %q: use any of %s, or unleveled for lines that carry no level", w, strings.Join(levelNames[1:], ", "))
		}
		s[l] = true
	}
	return s, nil
}

func (s levelSet) names() []string {
	var out []string
	for l, on := range s {
		if on {
			out = append(out, level(l).String())
		}
	}
	return out
}

// wordLevel reads a level word in any case, without allocating for short words.
func wordLevel(w []byte) (level, bool) {
	if len(w) == 0 || len(w) > 13 {
		return 0, false
	}
	var buf [13]byte
	for i, c := range w {
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	l, ok := levelWords[string(buf[:len(w)])]
	return l, ok
}

// numericLevel reads the numbers structured loggers use: syslog priorities (0 emergency
// to 7 debug, journald's PRIORITY), pino/bunyan (10 trace to 60 fatal) and Monolog (100
// debug to 600 emergency).
func numericLevel(s []byte) (level, bool) {
	n, err := strconv.Atoi(string(s))
	if err != nil {
		return 0, false
	}
	switch {
	case n >= 0 && n <= 7:
		return [...]level{lvEmergency, lvAlert, lvCritical, lvError, lvWarn, lvNotice, lvInfo, lvDebug}[n], true
	case n >= 10 && n < 100:
		switch {
		case n < 20:
			return lvTrace, true
		case n < 30:
			return lvDebug, true
		case n < 40:
			return lvInfo, true
		case n < 50:
			return lvWarn, true
		case n < 60:
			return lvError, true
		}
		return lvFatal, true
	case n >= 100 && n <= 600:
		switch {
		case n < 200:
			return lvDebug, true
		case n < 250:
			return lvInfo, true
		case n < 300:
			return lvNotice, true
		case n < 400:
			return lvWarn, true
		case n < 500:
			return lvError, true
		case n < 550:
			return lvCritical, true
		case n < 600:
			return lvAlert, true
		}
		return lvEmergency, true
	}
	return 0, false
}

// severe says whether the level means the process, not a request, is in trouble.
func (l level) severe() bool { return l >= lvCritical }

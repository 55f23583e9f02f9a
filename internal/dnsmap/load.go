package dnsmap

import (
	"bytes"
	"fmt"
	"io"
	"os"
)

// Format is how a map is written.
type Format string

const (
	FormatYAML Format = "yaml"
	FormatZone Format = "zone"
)

// ParseFormat reads --format.
func ParseFormat(s string) (Format, error) {
	switch Format(s) {
	case "", FormatYAML, "yml":
		return FormatYAML, nil
	case FormatZone:
		return FormatZone, nil
	}
	return "", fmt.Errorf("unknown format %q: use yaml (the default) or zone", s)
}

// Write writes the map in the given format.
func (m *Map) Write(w io.Writer, f Format) error {
	if f == FormatZone {
		return m.WriteZone(w)
	}
	return m.WriteYAML(w)
}

// Load reads a map in either format: a file whose first line that is not blank starts
// with ';' or '$' is a zone file, anything else is YAML. file names the source in errors.
func Load(data []byte, file string) (*Map, error) {
	if len(data) > MaxFileSize {
		return nil, Errors{{File: file, Msg: fmt.Sprintf("is %d bytes; a DNS map is far smaller (at most %d): is this the right file?", len(data), MaxFileSize)}}
	}
	if isZoneFile(data) {
		return loadZone(data, file)
	}
	return loadYAML(data, file)
}

// LoadFile reads a map from a file, refusing anything larger than MaxFileSize before
// reading it whole.
func LoadFile(path string) (*Map, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the DNS map: %w; write one with `launchready dns export -o %s`", err, path)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read the DNS map %s: %w", path, err)
	}
	return Load(data, path)
}

func isZoneFile(data []byte) bool {
	for line := range bytes.Lines(data) {
		t := bytes.TrimSpace(line)
		if len(t) == 0 {
			continue
		}
		return t[0] == ';' || t[0] == '$'
	}
	return false
}

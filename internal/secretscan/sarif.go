package secretscan

import (
	"encoding/json"
	"io"
	"slices"
)

// SARIF 2.1.0, the subset code scanning reads (GitHub's upload-sarif, GitLab, Azure
// DevOps): one run, the rules that matched, one result per finding with a location and a
// partial fingerprint so the same finding is not reopened on every push. The message is the
// finding's description and preview, never the secret.
const (
	sarifSchema  = "https://json.schemastore.org/sarif-2.1.0.json"
	sarifVersion = "2.1.0"
)

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifRule struct {
	ID               string       `json:"id"`
	Name             string       `json:"name"`
	ShortDescription sarifMessage `json:"shortDescription"`
}

type sarifMessage struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string            `json:"ruleId"`
	Level               string            `json:"level"`
	Message             sarifMessage      `json:"message"`
	Locations           []sarifLocation   `json:"locations"`
	PartialFingerprints map[string]string `json:"partialFingerprints,omitempty"`
	Properties          map[string]any    `json:"properties,omitempty"`
}

type sarifLocation struct {
	PhysicalLocation sarifPhysical `json:"physicalLocation"`
}

type sarifPhysical struct {
	ArtifactLocation sarifArtifact `json:"artifactLocation"`
	Region           sarifRegion   `json:"region"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine   int `json:"startLine"`
	StartColumn int `json:"startColumn,omitempty"`
}

// sarifLevels: error for leaks worth failing a build on, note for public-by-design keys.
var sarifLevels = [...]string{"note", "warning", "error", "error"}

// WriteSARIF prints the report as SARIF 2.1.0. version is launchready's.
func WriteSARIF(w io.Writer, r *Report, version string) error {
	run := sarifRun{Tool: sarifTool{Driver: sarifDriver{Name: "launchready secrets scan", InformationURI: "https://github.com/launchready/launchready",
		Version: version, Rules: []sarifRule{}}}, Results: []sarifResult{}}
	for _, f := range r.Findings {
		if !slices.ContainsFunc(run.Tool.Driver.Rules, func(x sarifRule) bool { return x.ID == f.Kind }) {
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, sarifRule{ID: f.Kind, Name: f.Kind, ShortDescription: sarifMessage{f.What}})
		}
		msg := f.What + " " + f.Preview + ": " + f.Advice
		if f.Removed() {
			msg = f.What + " " + f.Preview + ", removed from the tree but alive in history since " + short(f.Commit) + ": " + f.Advice
		}
		res := sarifResult{RuleID: f.Kind, Level: sarifLevels[f.Level], Message: sarifMessage{msg},
			Locations: []sarifLocation{{PhysicalLocation: sarifPhysical{
				ArtifactLocation: sarifArtifact{URI: f.File}, Region: sarifRegion{StartLine: max(f.Line, 1), StartColumn: f.Column}}}},
			PartialFingerprints: map[string]string{"launchready/v1": f.Fingerprint},
			Properties:          map[string]any{"gitleaksRule": f.Rule, "commit": f.Commit, "where": f.Where, "severity": f.Level.String()}}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}})
}

package secretscan

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"testing"
)

// TestSARIFRequiredFields checks the output against what the SARIF 2.1.0 schema requires
// (sarif-schema-2.1.0.json's "required" lists and enums) and what GitHub code scanning
// needs on top: a rule for every ruleId, a location with a startLine of at least 1.
func TestSARIFRequiredFields(t *testing.T) {
	t.Parallel()
	fx := newFixture(t)
	rep, err := ScanRepo(context.Background(), RepoOptions{Path: fx.dir})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteSARIF(&b, rep, "v-test"); err != nil {
		t.Fatal(err)
	}
	var log map[string]any
	if err := json.Unmarshal(b.Bytes(), &log); err != nil {
		t.Fatal(err)
	}
	obj := func(v any, path string) map[string]any {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("%s is not an object: %v", path, v)
		}
		return m
	}
	arr := func(v any, path string) []any {
		a, ok := v.([]any)
		if !ok {
			t.Fatalf("%s is not an array: %v", path, v)
		}
		return a
	}
	str := func(m map[string]any, k, path string) string {
		s, ok := m[k].(string)
		if !ok || s == "" {
			t.Errorf("%s.%s is required (a non-empty string), got %v", path, k, m[k])
		}
		return s
	}
	if str(log, "version", "sarifLog") != "2.1.0" {
		t.Errorf("version %v", log["version"])
	}
	str(log, "$schema", "sarifLog")
	runs := arr(log["runs"], "runs")
	if len(runs) != 1 {
		t.Fatalf("want one run, got %d", len(runs))
	}
	run := obj(runs[0], "runs[0]")
	driver := obj(obj(run["tool"], "tool")["driver"], "tool.driver")
	str(driver, "name", "driver")
	var ruleIDs []string
	for _, r := range arr(driver["rules"], "driver.rules") {
		ruleIDs = append(ruleIDs, str(obj(r, "rule"), "id", "rule"))
	}
	results := arr(run["results"], "results")
	if len(results) == 0 {
		t.Fatal("the fixture's removed key is not in the SARIF")
	}
	for _, r := range results {
		res := obj(r, "result")
		str(obj(res["message"], "message"), "text", "result.message")
		if id := str(res, "ruleId", "result"); !slices.Contains(ruleIDs, id) {
			t.Errorf("result rule %q is not among the driver's rules %v", id, ruleIDs)
		}
		if lv := str(res, "level", "result"); !slices.Contains([]string{"none", "note", "warning", "error"}, lv) {
			t.Errorf("level %q is not in the schema's enum", lv)
		}
		for _, l := range arr(res["locations"], "result.locations") {
			pl := obj(obj(l, "location")["physicalLocation"], "physicalLocation")
			str(obj(pl["artifactLocation"], "artifactLocation"), "uri", "artifactLocation")
			if line, _ := obj(pl["region"], "region")["startLine"].(float64); line < 1 {
				t.Errorf("region.startLine %v, the schema's minimum is 1", line)
			}
		}
		if fp := obj(res["partialFingerprints"], "partialFingerprints"); len(fp) == 0 {
			t.Error("no partialFingerprints: code scanning would reopen the alert on every push")
		}
	}
	assertNoSecret(t, "sarif", b.String())
}

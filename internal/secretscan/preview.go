package secretscan

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// knownPrefixes are the parts of a key that name its kind and carry no secret: showing
// them tells the reader what leaked without helping anyone use it.
var knownPrefixes = []string{
	"sk_live_", "sk_test_", "sk_prod_", "rk_live_", "rk_test_", "rk_prod_", "pk_live_", "pk_test_",
	"whsec_", "AKIA", "ASIA", "AIza", "ghp_", "gho_", "ghu_", "ghs_", "github_pat_", "glpat-",
	"xoxb-", "xoxp-", "xoxa-", "SG.", "sk-proj-", "sk-ant-", "eyJ", "npm_", "pypi-", "dop_v1_",
	"shpat_", "shpss_", "AccountKey=",
}

// Preview is a secret's safe stand-in: its known prefix (or, for a private key, the PEM
// header line) and its length, "sk_live_… (32 chars)". Nothing after the prefix is ever
// shown: two visible characters of a 32-character key are nothing, but a habit of showing
// "the first few" grows into showing half.
func Preview(secret string) string {
	n := utf8.RuneCountInString(secret)
	if strings.HasPrefix(secret, "-----BEGIN") {
		head := secret
		if i := strings.Index(secret[5:], "-----"); i >= 0 {
			head = secret[:5+i+5]
		}
		return fmt.Sprintf("%s… (%d chars)", head, n)
	}
	for _, p := range knownPrefixes {
		if strings.HasPrefix(secret, p) && len(secret) > len(p)+4 {
			return fmt.Sprintf("%s… (%d chars)", p, n)
		}
	}
	return fmt.Sprintf("… (%d chars)", n)
}

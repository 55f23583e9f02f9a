package audit

import (
	"encoding/json"
	"io"
)

// WriteJSON writes the audit as JSON (schema launchready.audit/v1), indented.
func (a *Audit) WriteJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(a)
}

package lab

import "time"

// expiredLeafUnderYoungerCA plants, on www.acme.example, a certificate that expired 20
// days ago served with the lab intermediate as re-issued 10 days ago: the CA certificate
// is younger than the leaf's expiry. The Certificates pane must say the leaf is expired
// and nothing about the chain, which is valid now (a chain judged at the leaf's expiry
// would call the CA certificate not yet valid). www is the forgotten host of a launch:
// it only redirects, so no one notices its renewal stopped.
func (sc *Scenario) expiredLeafUnderYoungerCA() {
	sc.Description += " Certificates: www.acme.example serves a certificate that expired 20 days ago " +
		"(its renewal stopped), with the CA's intermediate as re-issued 10 days ago: only the leaf is at fault."
	for i := range sc.Sites {
		if sc.Sites[i].Host != "www.acme.example" {
			continue
		}
		sc.Sites[i].Cert.NotBefore = -110 * 24 * time.Hour
		sc.Sites[i].Cert.NotAfter = -20 * 24 * time.Hour
		sc.Sites[i].Cert.ReissuedIntermediate = -10 * 24 * time.Hour
		return
	}
	panic("lab: scenario " + sc.Name + " has no site www.acme.example")
}

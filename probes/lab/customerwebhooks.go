package lab

import "fmt"

// plantCustomerWebhookFailures adds to the demo's log one error repeated for twelve
// customers: the webhook signing secret was rotated at Stripe but not in the app, so
// every payment webhook fails its signature check. Five of the customer ids hold no digit
// (about one Stripe id in twelve does): the errors pane must still show one group of
// twelve, not one per digit-less id.
func plantCustomerWebhookFailures(sc *Scenario) {
	ids := []string{
		"cus_9s8d7f6g5h4j3k", "cus_ThxVGpIhxXJnUc", "cus_P4mQ8rXz2LkW7n", "cus_aSuXyIokMpdsnG",
		"cus_N3vB6cY1tR8uE2", "cus_ZDpYcwOzsOCWog", "cus_h7Jk2Lm9Qp4Rs1", "cus_Wx5Yz8Ab3Cd6Ef",
		"cus_tlJMqrWdnFxaqH", "cus_G2hJ5kL8mN1pQ4", "cus_r6St9Uv2Wx5Yz8", "cus_qKcNbXvTrBnMzH",
	}
	sc.Description += " The app log also has one payment webhook failure repeated for 12 customers " +
		"(some customer ids hold no digit; the errors pane shows one group)."
	for i, id := range ids {
		sc.LogLines = append(sc.LogLines, fmt.Sprintf(
			`{"time":"2026-11-28T02:03:%02dZ","level":"ERROR","msg":"payment webhook failed for customer %s: signature mismatch","endpoint":"/webhooks/stripe","request_id":"req_9c%04x"}`,
			10+i*3, id, 0x41a0+i))
	}
}

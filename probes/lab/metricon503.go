package lab

import "fmt"

// metricOn503 plants "a metric on a 503": the app's /internal/metrics counts itself
// degraded and answers 503 Service Unavailable, as readiness endpoints do, with its
// numbers still in the JSON body. A console that gives up on any non-2xx answer shows
// "metric unavailable" exactly when the numbers matter; the metric checks must read 17
// failed jobs and 23 webhook failures from it and say "HTTP 503" beside them.
func (sc *Scenario) metricOn503() {
	const failedJobs, webhookFailures = 17, 23
	r := jsonRoute("/internal/metrics", 503, fmt.Sprintf(
		`{"status":"degraded","failed_jobs":{{failed_jobs}},"webhook_failures_1h":%d,"queue":{"depth":3,"workers":4},"version":"1.42.0"}`,
		webhookFailures)).auth(RoleAdmin)
	// Sign-ups turned away under load (loadLimits) each leave a failed welcome-mail job.
	r.Backlog = &Backlog{FailedJobs: failedJobs}
	sc.setRoute("app.acme.example", r)
	sc.Description += fmt.Sprintf(" A metric on a 503: app.acme.example/internal/metrics answers 503 Service Unavailable "+
		`with {"status":"degraded"} and the numbers still in its JSON body (%d failed jobs, %d webhook failures), `+
		"as a readiness endpoint does when it counts itself degraded. Each sign-up turned away under load "+
		"(launchready load) adds a failed welcome-mail job.", failedJobs, webhookFailures)
}

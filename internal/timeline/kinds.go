package timeline

// Event kinds: pane first, so the pane filter and the kind read alike.
const (
	KindDNSAnswer       = "dns.answer"
	KindCertificate     = "tls.certificate"
	KindEndpointState   = "endpoints.state"
	KindEndpointLatency = "endpoints.latency"
	KindNewErrorGroup   = "errors.new-group"
	KindErrorSpike      = "errors.spike"
	KindStatus          = "status" // prefixed by the pane: "email.status"
	KindRunStart        = "runbooks.run-start"
	KindRunStep         = "runbooks.step"
	KindRollback        = "runbooks.rollback"
	KindRunEnd          = "runbooks.run-end"
	KindSessionStart    = "session.start"
	KindSessionStop     = "session.stop"
	KindConfigChanged   = "session.config"
)

// Panes of events that are not a check pane's.
const (
	PaneRunbooks = "runbooks"
	PaneSession  = "session"
)

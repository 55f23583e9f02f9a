package alert

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
)

// slackSender posts to a Slack incoming webhook: {"text": ...} in Slack's mrkdwn, which
// every workspace renders and which reads fine in a phone notification.
type slackSender struct {
	url    *url.URL
	client *http.Client
}

var slackStyle = style{
	bold: func(s string) string { return "*" + s + "*" },
	icon: func(k Kind) string {
		switch k {
		case KindResolved:
			return ":large_green_circle: "
		case KindTest:
			return ":large_blue_circle: "
		}
		return ":red_circle: "
	},
}

// SlackPayload is the body posted to Slack.
type SlackPayload struct {
	Text string `json:"text"`
}

func (s *slackSender) Send(ctx context.Context, m Message) error {
	body, err := json.Marshal(SlackPayload{Text: Text(m, slackStyle)})
	if err != nil {
		return err
	}
	return post(ctx, s.client, s.url, body, nil)
}

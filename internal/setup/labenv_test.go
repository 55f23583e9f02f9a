package setup

import "testing"

func TestLabEnvOnlyServesLabNames(t *testing.T) {
	t.Parallel()
	real := map[string]string{"LAUNCHREADY_LAB_MEMBER_PASSWORD": "from-the-real-env", "STRIPE_WEBHOOK_SECRET": "real"}
	values := map[string]string{"LAUNCHREADY_LAB_MEMBER_PASSWORD": "lab", "LAUNCHREADY_LAB_ADMIN_PASSWORD": "lab-admin", "STRIPE_WEBHOOK_SECRET": "lab-must-not-serve"}
	get := labEnv(func(k string) (string, bool) { v, ok := real[k]; return v, ok }, values)
	cases := map[string]string{
		"LAUNCHREADY_LAB_MEMBER_PASSWORD": "from-the-real-env", // the real environment wins
		"LAUNCHREADY_LAB_ADMIN_PASSWORD":  "lab-admin",
		"STRIPE_WEBHOOK_SECRET":           "real",
		"UNSET":                           "",
	}
	for k, want := range cases {
		if got, _ := get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	delete(real, "STRIPE_WEBHOOK_SECRET")
	if v, ok := get("STRIPE_WEBHOOK_SECRET"); ok || v != "" {
		t.Errorf("a name without the lab prefix was served from the lab: %q", v)
	}
}

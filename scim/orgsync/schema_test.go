package orgsync_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/go-wandb/identity/internal/jsonschema"
	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/scim/scimtest"
)

// planSchema compiles plan.schema.json.
func planSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	s, err := jsonschema.Compile(orgsync.PlanSchema)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestPlanSchema checks that plans of every kind of change, and plans the
// simulator gives, validate against plan.schema.json, and that the schema
// refuses what the format does not allow.
func TestPlanSchema(t *testing.T) {
	t.Parallel()
	schema := planSchema(t)
	plans := map[string]*orgsync.Plan{"sample": samplePlan(), "removals": removalPlan(), "big": bigPlan(), "empty": {Format: orgsync.FormatVersion}}
	fx := start(t, scimtest.Options{Users: []scimtest.User{{UserName: "ci-bot", AccountType: scimtest.AccountOrgService}}})
	plans["simulator"] = fx.plan(t, decode(t, sampleFile), false)
	// Names are free text: dots, spaces, unicode, pipes.
	plans["names"] = fx.plan(t, decode(t, `{"users": [{"userName": "ada.lovelace", "email": "ada.l@example.com"},
		{"userName": "zoë|x", "email": "zoe@example.com"}],
		"teams": [{"name": "ml platform.v2", "members": [{"userName": "ada.lovelace", "role": "admin"}]}]}`), false)
	for name, p := range plans {
		p.Target.BaseURL, p.Target.Deployment = "https://acme.wandb.io/scim", "dedicated"
		data, err := json.Marshal(p)
		if err != nil {
			t.Fatal(err)
		}
		problems, err := schema.Validate(data)
		if err != nil || len(problems) > 0 {
			t.Errorf("%s: %v\n%s", name, err, strings.Join(problems, "\n"))
		}
	}
	bad := map[string]string{
		"another version": `{"format_version": 3}`,
		"unknown action":  `"action": "delete"`,
		"unknown field":   `"surprise": 1`,
	}
	good, _ := json.Marshal(samplePlan())
	for name, edit := range bad {
		doc := string(good)
		switch name {
		case "another version":
			doc = strings.Replace(doc, `"format_version":2`, `"format_version":3`, 1)
		case "unknown action":
			doc = strings.Replace(doc, `"action":"update"`, `"action":"delete"`, 1)
		case "unknown field":
			doc = strings.Replace(doc, `"prune":false`, `"prune":false,`+edit, 1)
		}
		problems, err := schema.Validate([]byte(doc))
		if err != nil || len(problems) == 0 {
			t.Errorf("%s: the schema accepted %s", name, edit)
		}
	}
}

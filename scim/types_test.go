package scim_test

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/go-wandb/identity/scim"
)

func TestTimeDecoding(t *testing.T) {
	t.Parallel()
	utc := func(y int, m time.Month, d, h, min, s int) time.Time {
		return time.Date(y, m, d, h, min, s, 0, time.UTC)
	}
	tests := []struct {
		in      string
		want    time.Time
		wantRaw string
	}{
		{`"2023-10-01T00:00:00Z"`, utc(2023, 10, 1, 0, 0, 0), "2023-10-01T00:00:00Z"},
		{`"2025-7-01T00:00:00Z"`, utc(2025, 7, 1, 0, 0, 0), "2025-7-01T00:00:00Z"},
		{`"2025-7-1T3:04:05Z"`, utc(2025, 7, 1, 3, 4, 5), "2025-7-1T3:04:05Z"},
		{`"2025-07-01"`, utc(2025, 7, 1, 0, 0, 0), "2025-07-01"},
		{`"2024-03-05T10:00:00.5+02:00"`, time.Date(2024, 3, 5, 8, 0, 0, 5e8, time.UTC), "2024-03-05T10:00:00.5+02:00"},
		{`"2024-3-5T10:00:00+0200"`, time.Date(2024, 3, 5, 8, 0, 0, 0, time.UTC), "2024-3-5T10:00:00+0200"},
		{`"yesterday"`, time.Time{}, "yesterday"},
		{`"2025-02-31T00:00:00Z"`, time.Time{}, "2025-02-31T00:00:00Z"},
		{`"2025-13-01T00:00:00Z"`, time.Time{}, "2025-13-01T00:00:00Z"},
		{`""`, time.Time{}, ""},
		{`null`, time.Time{}, ""},
		{`1700000000`, time.Time{}, "1700000000"},
		{`"2025-07-01T00:00:00+23:59"`, time.Date(2025, 6, 30, 0, 1, 0, 0, time.UTC), "2025-07-01T00:00:00+23:59"},
		{`"2025-07-01T00:00:00+24:00"`, time.Time{}, "2025-07-01T00:00:00+24:00"},
		{`"2025-07-01T00:00:00+27:00"`, time.Time{}, "2025-07-01T00:00:00+27:00"},
		{`"2025-7-1T00:00:00-2730"`, time.Time{}, "2025-7-1T00:00:00-2730"},
	}
	for _, tt := range tests {
		var v struct {
			T scim.Time `json:"t"`
		}
		if err := json.Unmarshal([]byte(`{"t":`+tt.in+`}`), &v); err != nil {
			t.Errorf("%s: error %v; Time must never fail", tt.in, err)
			continue
		}
		if !v.T.Time.Equal(tt.want) || v.T.Raw != tt.wantRaw {
			t.Errorf("%s: got %v raw %q, want %v raw %q", tt.in, v.T.Time, v.T.Raw, tt.want, tt.wantRaw)
		}
		if _, err := json.Marshal(v.T); err != nil {
			t.Errorf("%s: decoded, but Marshal fails: %v", tt.in, err)
		}
	}
}

func TestTimeMarshal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   scim.Time
		want string
	}{
		{scim.Time{}, `null`},
		{scim.Time{Raw: "garbage"}, `"garbage"`},
		{scim.Time{Time: time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC), Raw: "2025-7-01T00:00:00Z"}, `"2025-07-01T00:00:00Z"`},
	} {
		b, err := json.Marshal(tt.in)
		if err != nil || string(b) != tt.want {
			t.Errorf("Marshal(%+v) = %s, %v; want %s", tt.in, b, err, tt.want)
		}
	}
}

func TestEmailsDecoding(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		in          string
		want        scim.Emails
		wantPrimary string
	}{
		{"legacy object", `{"Value":"dev-user2@example.com","Display":"","Type":"","Primary":true}`,
			scim.Emails{{Value: "dev-user2@example.com", Primary: true}}, "dev-user2@example.com"},
		{"array", `[{"value":"a@x.io","primary":false,"type":"work"},{"value":"b@x.io","primary":true,"display":"B"}]`,
			scim.Emails{{Value: "a@x.io", Type: "work"}, {Value: "b@x.io", Primary: true, Display: "B"}}, "b@x.io"},
		{"array without primary", `[{"value":"a@x.io"}]`, scim.Emails{{Value: "a@x.io"}}, "a@x.io"},
		{"primary as string", `[{"value":"a@x.io","primary":"true"}]`, scim.Emails{{Value: "a@x.io", Primary: true}}, "a@x.io"},
		{"null", `null`, nil, ""},
		{"empty array", `[]`, scim.Emails{}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var v struct {
				Emails scim.Emails `json:"emails"`
			}
			if err := json.Unmarshal([]byte(`{"emails":`+tt.in+`}`), &v); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(v.Emails, tt.want) || v.Emails.Primary() != tt.wantPrimary {
				t.Errorf("got %+v (primary %q), want %+v (%q)", v.Emails, v.Emails.Primary(), tt.want, tt.wantPrimary)
			}
		})
	}
	var absent struct {
		Emails scim.Emails `json:"emails"`
	}
	if err := json.Unmarshal([]byte(`{}`), &absent); err != nil || absent.Emails != nil {
		t.Errorf("absent emails = %+v, %v", absent.Emails, err)
	}
	var bad struct {
		Emails scim.Emails `json:"emails"`
	}
	if err := json.Unmarshal([]byte(`{"emails":"x@y"}`), &bad); err == nil {
		t.Error("a string accepted as emails")
	}
}

func TestMetaDecoding(t *testing.T) {
	t.Parallel()
	var m scim.Meta
	in := `{"resourceType":"User","created":"2025-7-01T00:00:00Z","location":"Users/abc","version":"W/\"1\""}`
	if err := json.Unmarshal([]byte(in), &m); err != nil {
		t.Fatal(err)
	}
	if m.ResourceType != "User" || m.Location != "Users/abc" || m.Version != `W/"1"` ||
		m.Created.Month() != time.July || !m.LastModified.IsZero() || m.LastModified.Raw != "" {
		t.Errorf("meta = %+v", m)
	}
}

func TestPatchOpJSON(t *testing.T) {
	t.Parallel()
	p := scim.NewPatchOp(
		scim.Replace("", map[string]bool{"active": false}),
		scim.Add("members", []map[string]string{{"value": "u1"}}),
		scim.Remove(`members[value eq "u2"]`),
	)
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","value":{"active":false}},{"op":"add","path":"members","value":[{"value":"u1"}]},{"op":"remove","path":"members[value eq \"u2\"]"}]}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

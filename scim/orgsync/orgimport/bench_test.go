package orgimport_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/go-wandb/identity/scim/orgsync/orgimport"
)

// entraExport returns an Entra ID users download of n users (the columns
// the portal writes, one quoted field with a comma per row) and member
// downloads of groups of 100 users each, every user in one group.
func entraExport(n int) (users orgimport.Source, groups []orgimport.Source) {
	var b strings.Builder
	b.WriteString("\ufeffuserPrincipalName,displayName,surname,mail,givenName,objectId,userType,jobTitle,department,accountEnabled," +
		"usageLocation,streetAddress,state,country,physicalDeliveryOfficeName,city,postalCode,telephoneNumber,mobile\r\n")
	members := make([]strings.Builder, (n+99)/100)
	for i := range members {
		members[i].WriteString("Object ID,User principal name,Display name,Member type\r\n")
	}
	for i := range n {
		id := fmt.Sprintf("%08d-0000-4000-8000-%012d", i, i)
		fmt.Fprintf(&b, "user%d@acme.onmicrosoft.com,User %d,Surname%d,user%d@acme.com,User,%s,Member,Engineer,Dept %d,%s,US,\"%d Main St, Suite %d\",CA,United States,HQ,San Francisco,94105,+1 555 0100,\r\n",
			i, i, i, i, id, i%50, map[bool]string{true: "True", false: "False"}[i%20 != 0], i, i%7)
		fmt.Fprintf(&members[i/100], "%s,user%d@acme.onmicrosoft.com,User %d,User\r\n", id, i, i)
	}
	users = orgimport.Source{Name: "users.csv", Data: []byte(b.String())}
	for i := range members {
		groups = append(groups, orgimport.Source{Name: fmt.Sprintf("group-%03d.csv", i), Data: []byte(members[i].String())})
	}
	return users, groups
}

// oktaExport returns n users of Okta's Users API as JSON pages of 200,
// saved one after the other, and member pages of groups of 100.
func oktaExport(n int) (users orgimport.Source, groups []orgimport.Source) {
	var b strings.Builder
	members := make([]strings.Builder, (n+99)/100)
	for i := range n {
		switch {
		case i%200 == 0 && i > 0:
			b.WriteString("]\n[")
		case i == 0:
			b.WriteString("[")
		default:
			b.WriteString(",")
		}
		u := fmt.Sprintf(`{"id": "00u%07d", "status": "ACTIVE", "created": "2024-01-01T00:00:00.000Z", "lastLogin": null,
  "profile": {"firstName": "User", "lastName": "N%d", "mobilePhone": null, "secondEmail": null, "login": "user%d@acme.com",
    "email": "user%d@acme.com"}, "credentials": {"provider": {"type": "OKTA", "name": "OKTA"}},
  "_links": {"self": {"href": "https://acme.okta.com/api/v1/users/00u%07d"}}}`, i, i, i, i, i)
		b.WriteString(u)
		m := &members[i/100]
		if m.Len() == 0 {
			m.WriteString("[")
		} else {
			m.WriteString(",")
		}
		m.WriteString(u)
	}
	b.WriteString("]\n")
	users = orgimport.Source{Name: "users.json", Data: []byte(b.String())}
	for i := range members {
		members[i].WriteString("]")
		groups = append(groups, orgimport.Source{Name: fmt.Sprintf("group-%03d.json", i), Data: []byte(members[i].String())})
	}
	return users, groups
}

// BenchmarkImport converts an Entra ID export of 5,000, 10,000 and 20,000
// users in groups of 100: time and memory grow with the rows. The last
// also merges with an organization file of the same 20,000 users and 200
// teams, as -merge with a file exported from W&B does.
func BenchmarkImport(b *testing.B) {
	for _, n := range []int{5000, 10000, 20000} {
		users, groups := entraExport(n)
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(users.Data)))
			b.ResetTimer()
			for range b.N {
				r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra, Users: []orgimport.Source{users}, Groups: groups})
				if err != nil {
					b.Fatal(err)
				}
				if r.Summary.Users != n || r.Summary.Teams != len(groups) {
					b.Fatalf("summary %s", r.Summary)
				}
			}
		})
	}
	oktaUsers, oktaGroups := oktaExport(20000)
	b.Run("okta-json,rows=20000", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(oktaUsers.Data)))
		for range b.N {
			r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Okta, Users: []orgimport.Source{oktaUsers}, Groups: oktaGroups})
			if err != nil {
				b.Fatal(err)
			}
			if r.Summary.Users != 20000 || r.Summary.Members != 20000 {
				b.Fatalf("summary %s", r.Summary)
			}
		}
	})
	users, groups := entraExport(20000)
	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra, Users: []orgimport.Source{users}, Groups: groups})
	if err != nil {
		b.Fatal(err)
	}
	existing, err := json.Marshal(r.File)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("rows=20000,merge", func(b *testing.B) {
		b.ReportAllocs()
		b.SetBytes(int64(len(users.Data)))
		for range b.N {
			r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra, Users: []orgimport.Source{users}, Groups: groups,
				Merge: &orgimport.Source{Name: "org.json", Data: existing}})
			if err != nil {
				b.Fatal(err)
			}
			if r.Summary.Users != 20000 || r.Summary.KeptUsers != 0 {
				b.Fatalf("summary %s", r.Summary)
			}
		}
	})
}

package orgimport_test

import (
	"fmt"
	"log"

	"github.com/go-wandb/identity/scim/orgsync/orgimport"
)

// Import an Entra ID users download and a group's member download into an
// organization file, with a rule that makes group wandb-ml-admins the
// admins of team ml.
func ExampleImport() {
	users := "userPrincipalName,displayName,mail,objectId,accountEnabled\r\n" +
		"ada@acme.onmicrosoft.com,Ada Lovelace,ada@acme.com,1111,True\r\n" +
		"bob@acme.onmicrosoft.com,Bob Builder,bob@acme.com,2222,True\r\n"
	admins := "Object ID,User principal name,Display name,Member type\r\n" +
		"1111,ada@acme.onmicrosoft.com,Ada Lovelace,User\r\n"
	ml := "Object ID,User principal name,Display name,Member type\r\n" +
		"1111,ada@acme.onmicrosoft.com,Ada Lovelace,User\r\n" +
		"2222,bob@acme.onmicrosoft.com,Bob Builder,User\r\n"
	m, err := orgimport.DecodeMapping("map.json", []byte(`{"teams": [
		{"group": "wandb-(.+)-admins", "team": "$1", "role": "admin"},
		{"group": "wandb-(.+)", "team": "$1"}]}`), orgimport.Entra)
	if err != nil {
		log.Fatal(err)
	}
	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra, Mapping: m,
		Users: []orgimport.Source{{Name: "users.csv", Data: []byte(users)}},
		Groups: []orgimport.Source{
			{Name: "wandb-ml-admins.csv", Data: []byte(admins)},
			{Name: "wandb-ml.csv", Data: []byte(ml)}}})
	if err != nil {
		log.Fatal(err) // an *orgimport.Error: every problem with its file and line
	}
	for _, t := range r.File.Teams {
		fmt.Println(t.Name, t.Membership, t.Members)
	}
	fmt.Println(r.Summary)
	// Output:
	// ml exact [{ada admin} {bob }]
	// 2 users (0 inactive), 1 team, 2 members.
}

// A mapping file changes the preset's defaults; its mistakes are reported
// with the file and the JSON path.
func ExampleDecodeMapping() {
	_, err := orgimport.DecodeMapping("map.json", []byte(`{
  "users": {"email": "userPrincipalName"},
  "teams": [{"group": "wandb-(.+)", "team": "$2"}],
  "userRules": [{"group": "wandb-admins", "modelsSeat": "gold"}]
}`), orgimport.Entra)
	fmt.Println(err)
	// Output:
	// orgimport: 2 problems in the inputs
	//   map.json: userRules[0].modelsSeat: "gold" is not a seat (want full, viewer or none)
	//   map.json: teams[0].team: $2: the pattern has 1 capture
}

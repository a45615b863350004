// Package orgimport turns identity-provider and HR exports into an
// organization file (an *orgsync.File) that orgsync plans and applies, so
// that going from an export to a reviewed plan is a few calls:
//
//	r, err := orgimport.Import(orgimport.Input{Preset: orgimport.Entra,
//		Users: []orgimport.Source{{Name: "users.csv", Data: users}},
//		Groups: []orgimport.Source{{Name: "ml-platform.csv", Data: members}}})
//	// err: an *orgimport.Error listing every problem with its file and line
//	plan, err := orgsync.New(client, orgsync.Options{}).Plan(ctx, r.File, orgsync.PlanOptions{})
//
// It reads files and sends nothing. examples/orgimport is this package on
// the command line.
//
// # Inputs
//
// Each Preset reads its vendor's exports as the vendor documents them:
//
//   - Okta: the user CSV export, whose columns are the profile attributes
//     (login, email, firstName and lastName are required, the others are
//     the tenant's), and the API's user and group-member JSON (id, status,
//     profile.login, profile.email, profile.firstName, profile.lastName),
//     several pages in one file included. Statuses: SUSPENDED and
//     DEPROVISIONED are inactive; STAGED, PROVISIONED, ACTIVE, RECOVERY,
//     PASSWORD_EXPIRED and LOCKED_OUT are not.
//     https://help.okta.com/oie/en-us/Content/Topics/Directory/csv-integration-test.htm,
//     https://help.okta.com/oie/en-us/content/topics/reports/access/user-account-report.htm,
//     https://developer.okta.com/docs/api/rest/users.html (the user object and its statuses),
//     https://developer.okta.com/docs/reference/api/groups/ (List Group members).
//   - Microsoft Entra ID: the admin center's "Download users" CSV
//     (userPrincipalName, displayName, surname, mail, givenName, objectId,
//     userType, jobTitle, department, accountEnabled, …), the bulk upload
//     templates' "Name [property] Required" headers after a version row
//     (and a row of examples), the group's "Download members" CSV (Object
//     ID, User principal name, Display name, Member type) and Microsoft
//     Graph's member pages (value[], @odata.type, @odata.nextLink). The
//     email is mail: a userPrincipalName is not an email unless the
//     mapping says so. accountEnabled False (in the templates, "Block sign
//     in" Yes) is inactive.
//     https://learn.microsoft.com/en-us/entra/identity/users/users-bulk-download,
//     https://learn.microsoft.com/en-us/entra/identity/users/users-bulk-add,
//     https://learn.microsoft.com/en-us/entra/identity/users/groups-bulk-download-members,
//     https://learn.microsoft.com/en-us/entra/identity/users/groups-bulk-import-members,
//     https://learn.microsoft.com/en-us/graph/api/group-list-members?view=graph-rest-1.0,
//     https://learn.microsoft.com/en-us/graph/paging.
//   - Google Workspace: the admin console's user download (Email Address
//     [Required], First Name [Required], Last Name [Required], Status [READ
//     ONLY], Last Sign In [READ ONLY], …; headers are found by their label,
//     and "Never logged in" is a sign-in time, not a status) and group
//     members (email, role, type, status; a GROUP member is a nested group,
//     CUSTOMER the whole domain), and the Directory API's users and
//     members JSON (primaryEmail, name, suspended; nextPageToken).
//     https://support.google.com/a/answer/7348070,
//     https://support.google.com/a/answer/40057,
//     https://developers.google.com/admin-sdk/directory/reference/rest/v1/users,
//     https://developers.google.com/admin-sdk/directory/reference/rest/v1/members.
//   - HR: BambooHR's field names (employeeNumber, firstName, lastName,
//     workEmail, department, status, terminationDate; Inactive or a past
//     termination date is inactive, and each department is a group), and
//     any CSV with the CSV preset, since HR systems such as Workday have no
//     fixed schema: a preset is only the defaults of a Mapping.
//     https://documentation.bamboohr.com/docs/list-of-field-names.
//
// CSV is read as real exports come: a UTF-8 byte-order mark, quoted fields
// with commas, quotes and newlines, CRLF lines, blank trailing lines (and
// rows of empty fields), header names compared ignoring case and
// surrounding space. JSON is told from CSV by its first character.
//
// A member export that does not name its group in a column or field
// (Okta's and Graph's member pages, Entra's member download, Google's
// member list) is the group of the file's base name: ml-platform.csv is
// group ml-platform. Members that are not users (a nested group, a device)
// are left out and counted; a nested group whose own member export is
// among the inputs is flattened into its parent. A JSON file is a whole
// list: one whose last page still links to a next one (@odata.nextLink,
// an Okta next link, Google's nextPageToken) is refused, since an exact team made from it would
// remove the members of the pages not saved.
//
// # The mapping
//
// A Mapping says which column or JSON field gives each user field, how a
// status maps to active, which rules set organization roles and seats (by
// group or attribute), how groups become teams (rules by exact name or by
// pattern, tried in order, the first that matches the whole group name
// winning, with $1 captures, a team role and a membership mode; a group that an earlier
// rule takes from a later rule naming it exactly is a problem), and which
// groups and users to ignore. DecodeMapping reads a mapping file over a preset's defaults;
// the README and examples/orgimport/map.json have a full sample.
//
// # Output
//
// Import's file is sorted (users by userName, teams by name, members by
// userName) and checked with orgsync's File.Validate. Every problem of the
// inputs is reported at once, with its file and line (or JSON path), and
// then no file is returned. Merge keeps the users, teams and roles of an
// existing organization file that the exports do not mention.
package orgimport

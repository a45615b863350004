// Package scimtest is an in-memory simulator of W&B's SCIM API (Users,
// Groups = teams, Roles = custom roles) and of the GraphQL operations the SDK
// uses, for testing code that manages a W&B organization without a W&B
// account.
//
//	srv := scimtest.NewServer(scimtest.Options{
//		Flavor: scimtest.MultiTenant,
//		Users:  []scimtest.User{{UserName: "alice", Email: "alice@example.com"}},
//		Teams:  []scimtest.Team{{Name: "ml", Members: []string{"alice"}}},
//	})
//	defer srv.Close()
//
//	client, err := scim.NewClient(scim.WithBaseURL(srv.URL), scim.WithAPIKey(srv.APIKey))
//
// In a test, scimtest.Start(t, opts) does the same and closes the server
// when the test ends, and srv.Client(t) builds the client.
//
// # Fidelity
//
// The server behaves as the W&B wire specification says the real one does,
// quirks included, so that code tested against it works against W&B:
//
//   - Replies have W&B's shapes: top-level keys in alphabetical order; group
//     members with capitalised keys ({"Value","Ref","Type","Display"}); a
//     user's "groups" entries with "value" (the team ID) only, as W&B
//     documents them, so that code tested here does not rely on a "display"
//     W&B may not send; role
//     "schemas": [""] and "organizationID"; ListResponse with
//     "itemsPerPage": 9999 and "startIndex": 1; a relative meta.location
//     ("Users/<id>"); no meta.lastModified on user create replies; error bodies
//     {"schemas":[…Error],"detail":"…","status":"404"} with status a string.
//     Options.LegacyEmails switches to the pre-v0.80.1 shapes: "emails" as one
//     object with capitalised keys, and null for empty lists.
//   - IDs are W&B-style base64 global IDs: base64("User:<n>"),
//     base64("Group:<n>"), base64("Role:<n>"). They may contain "=", so
//     clients must path-escape them.
//   - Options.Flavor picks Multi-tenant or Dedicated/Self-Managed behaviour:
//     deactivation, reactivation, email and display-name updates, multiple
//     emails, the teams extension, and the service-account organizationRole
//     differ as W&B documents.
//   - Filters: only userName eq and emails.value eq (Users) and displayName
//     eq (Groups), all case-insensitive, as uniqueness is; anything else is
//     a 400 with scimType invalidFilter. Roles take no filter.
//   - Paging: ignored, as W&B does, unless Options.HonorPaging.
//   - Every single-resource reply has an ETag header W/"n" equal to
//     meta.version; n grows with every change. If-Match on PUT, PATCH and
//     DELETE fails with 412 when stale ("*" always matches).
//   - Uniqueness (409), service-account provisioning rules, org service
//     accounts joining every team created with POST /Groups, custom role
//     deletion moving holders to the inherited role, BYOB provider checks, and
//     no team deletion (400).
//   - Authentication: "Bearer <key>", Basic "<userName>:<key>", Basic
//     ":<key>", and on GraphQL Basic "api:<key>". Unknown keys get 401; a
//     user who is not an org admin gets 403 on SCIM.
//   - GraphQL queries are bounded: nesting beyond 64 levels, fragment
//     cycles, unknown fragments and more than 100,000 selected fields (with
//     fragments expanded) are answered with {"errors":[…]}.
//
// Where the specification leaves a behaviour open, the server picks the
// stricter reading (for example team roles can be set only for members), so
// that code passing here does not rely on leniency W&B may not have.
//
// # Inspection and faults
//
// Server.User, Server.Team and Server.Role read the current state directly;
// AddUser, AddTeam, AddRole and NewAPIKey change it without a request;
// Requests returns every request received; Reset restores the initial
// state. Options.Faults (or SetFaults) adds latency and failures (a status
// such as 503 or 429, with Retry-After) before requests are processed, so a
// failed request changes nothing.
//
// # Saving and restoring an organization
//
// Server.State returns a snapshot of the organization, a State: every user
// and service account (Multi-tenant users removed from the organization
// included), team (members with their team roles, pending invites, storage
// bucket), custom role and API key, each with its ID, timestamps and ETag
// version, and the counters the next IDs come from. A State is plain data
// with JSON tags (it says what it is, "kind": StateKind, and its layout is
// versioned by State.Format), so it can be written to a file with
// encoding/json. A server started with
// Options.State set to a snapshot continues exactly where the first one
// left off: the same replies and ETags, and the IDs the first server would
// have given next. Loading checks that the state is consistent (IDs of the
// right kind and within the counters, unique names and addresses, members,
// roles and key owners that exist) and of the server's flavor.
//
// Options.OnChange is called with a fresh snapshot after every change (a
// successful SCIM write, a GraphQL mutation, a direct change such as
// AddUser), before the reply is sent; State.Revision orders snapshots taken
// concurrently. Together they persist an organization across restarts:
//
//	srv, err := scimtest.Listen(scimtest.Options{
//		Addr:     "127.0.0.1:7357",
//		State:    loaded, // nil on the first start
//		OnChange: func(st *scimtest.State) { save(st) }, // keep the newest Revision
//	})
//
// examples/simulator is such a program: the simulator as a standalone
// server, with its organization kept in a file (-state).
//
// # Programs
//
// For a server that outlives a test, Listen returns errors instead of
// panicking, Options.Addr picks the address (a fixed port), OnRequest
// reports each request as it is answered (method, path, status, duration),
// and DiscardRequests stops the request log from growing.
//
// A Server is safe for concurrent use.
package scimtest

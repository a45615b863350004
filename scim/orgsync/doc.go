// Package orgsync keeps a W&B organization equal to a file: its users,
// teams with their members and team roles, and custom roles. It computes a
// plan, a reviewed and repeatable list of changes like terraform plan, and
// applies it safely.
//
//	f, err := orgsync.Decode(data)                     // every problem, with its JSON path
//	s := orgsync.New(client, orgsync.Options{})
//	plan, err := s.Plan(ctx, f, orgsync.PlanOptions{})  // reads; changes nothing
//	plan.WriteText(os.Stdout)                          // or json.Marshal(plan) for CI, or to save it
//	report, err := s.Apply(ctx, plan, orgsync.ApplyOptions{})
//
// # The file
//
// A File lists users (by userName; a field left out is not managed), teams
// (by name; their members are exactly the listed ones, or, with
// "membership": "additive", at least those) and custom roles (by name; their
// custom permissions are exactly the listed ones). Users, teams and roles it
// does not list are left alone, except that PlanOptions.Prune deactivates
// the users it does not name. Syncer.Export writes an organization as a
// File, and planning an export finds no changes. The README has a full
// sample.
//
// # Planning
//
// Syncer.Plan checks the file (File.Validate, then against the
// organization), reads the organization with one walk each of users, teams
// and roles plus one GraphQL call for the caller, and compares with the
// pure functions of the service packages (users.Compare,
// teams.CompareMembers, roles.ComparePermissions). It lists each change
// once: roles, users, teams, memberships, team roles, each with the
// resource's name and ID. The plan records its Target (base URL, the
// organization as the server reports it, the client's scim.Deployment) and
// the Digest of its file. What the deployment cannot change (on
// Multi-tenant Cloud a user's email, display name, reactivation) and what
// the Guard refuses (deactivating or demoting the caller or the last
// organization admin, touching a service account not named) are listed as
// skipped, not planned. A plan that promotes an admin and demotes another
// is planned whole.
//
// # Applying
//
// Syncer.Apply refuses a plan for another Target before sending anything,
// then makes the changes in dependency order with bounded concurrency, one
// request per change where W&B allows it (one PATCH per team for its
// membership, one per user for its team roles), promotions before
// demotions. Before each change it checks that the plan's ID still names
// the resource the plan named (ErrNotSameResource). Every update carries
// If-Match with the version the plan saw, so a plan saved as JSON and
// applied later refuses, with scim.ErrPreconditionFailed, any resource
// changed since; changes that depend on one that failed are not attempted,
// independent ones go on. A Budget bounds the removals (deactivations and
// members removed) an Apply may make; beyond it, nothing is sent. Each
// change is reported Applied, Failed (only when it was not applied),
// Partial, Unknown (its reply was lost and reading it back failed),
// NotAttempted, NotStarted (ApplyOptions.Stop) or NotApplicable. The program
// examples/orgsync is this package on the command line.
//
// Guard is the rule on deactivations, deletions and demotions, exported
// for every program that changes an organization.
//
// Requests grow with the changes, not with the organization: a plan costs
// four requests (three walks of at most 9999 resources each, and the
// caller), and applying N changes about N requests plus the same four
// reads (and one read of a user whose team role changes after its
// membership did).
package orgsync

// Package users manages W&B users and service accounts through the SCIM
// /Users endpoints, plus the user-level GraphQL operations of the W&B Python
// SDK.
//
//	svc := users.New(client)
//	u, err := svc.Create(ctx, users.CreateParams{Email: "ada@example.com"})
//	u, err = svc.Find(ctx, "ada@example.com")
//	u, err = svc.SetTeamRoles(ctx, u.ID, []users.TeamRole{{TeamName: "ml", RoleName: "admin"}})
//
// SCIM methods address a user by its SCIM ID (an opaque string such as
// "VXNlcjox", path-escaped by the SDK) and need an organization admin or an
// org-scoped service account. Every argument is checked before anything is
// sent: an empty, "." or ".." ID, an email without "@", a seat other than
// full/viewer/none or a missing name fails with an error matching
// scim.ErrInvalidInput and no request is made. Every change accepts
// scim.IfMatch(u.Meta.Version) to make it conditional.
//
// # Deployments
//
// W&B runs one SCIM implementation for Multi-tenant Cloud and another for
// Dedicated Cloud and Self-Managed, and they differ:
//
//   - UpdateEmail and UpdateDisplayName work on Dedicated Cloud and
//     Self-Managed (v0.74.0+) only.
//   - Reactivate works on Dedicated Cloud and Self-Managed only; Multi-tenant
//     Cloud answers 400 ("User reactivation operations are not supported in
//     SaaS Cloud"), returned as a *scim.Error with that Detail.
//   - Deactivate sets active=false on Dedicated Cloud and Self-Managed. On
//     Multi-tenant Cloud it removes the user from the organization; add the
//     user back with Create. Deactivate copes with the Multi-tenant reply (an
//     echo of the request): it re-reads the user, and when the user is gone
//     returns a User with only ID set and Active false.
//   - Create with Teams uses the teams extension, a Multi-tenant form that
//     adds an existing W&B account to the organization and its teams.
//     Dedicated Cloud and Self-Managed keep one email per user; Multi-tenant
//     Cloud keeps several.
//   - ModelsSeat and WeaveRole were Dedicated/Self-Managed only in older
//     servers; newer Multi-tenant Cloud accepts them too.
//   - Replies carry emails as one object with capitalised keys on servers
//     before v0.80.1 (Multi-tenant before 30 April 2026) and as an array
//     afterwards; User decodes both, and PrimaryEmail reads either.
//
// # Service accounts
//
// CreateServiceAccount needs Multi-tenant Cloud or Dedicated Cloud /
// Self-Managed v0.81.0+. Service accounts appear in Get and List with
// AccountType SERVICE or ORG_SERVICE and without emails; Self-Managed reports
// their OrganizationRole as "service" or "org_service". They cannot be
// patched, deactivated, reactivated or given roles through SCIM: the server
// rejects every PATCH method of this package for them. Delete removes one for
// good but does not revoke its API keys; do that in the W&B App.
//
// # GraphQL
//
// Viewer, Search, GenerateAPIKey and DeleteAPIKey use W&B's GraphQL endpoint
// (POST {host}/graphql, or scim.WithGraphQLURL) with Basic "api:<key>", as the
// Python SDK does, so they need the client's API key rather than SCIM admin
// rights: Viewer works for any key, Search needs an instance admin,
// GenerateAPIKey always acts for the caller, and DeleteAPIKey needs the key's
// owner or an admin. They return Account, the GraphQL view of a user, not
// User.
package users

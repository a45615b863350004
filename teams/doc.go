// Package teams manages W&B teams: the SCIM Groups of an organization
// (/scim/Groups) and the team-level GraphQL operations of the W&B Python SDK.
//
//	svc := teams.New(client)
//	team, err := svc.Create(ctx, teams.CreateParams{
//		DisplayName: "ml-team",
//		Members:     []string{"VXNlcjox", "jane@example.com"},
//	})
//
// # Two ways to address a team
//
// The SCIM methods (Get, List, All, FindByName, Create, AddMembers,
// RemoveMember, RemoveAllMembers, ReplaceMembers, ChangeMembers, Patch)
// address a team by its
// SCIM ID and need an organization admin (or an org-scoped service account)
// as the caller. A team's SCIM ID is an opaque ID ("ghi", or a base64 global ID
// such as "VGVhbTox") distinct from its name. Its DisplayName is the team's
// name: the W&B entity name that the GraphQL methods below take, that the
// users package's teams extension (users.CreateParams.Teams, SetTeamRoles)
// expects, and that appears in the W&B App URL. FindByName turns a name into
// the Team with its ID.
//
// The GraphQL methods (Invite, Members, DeleteMember, CreateServiceAccount,
// CreateTeam) address a team by that name, as the Python SDK does (Team.invite,
// Team.members, Member.delete, Team.create_service_account, Api.create_team).
// Unlike Python they return errors instead of False or None: an unknown team
// is an error matching scim.ErrNotFound, a GraphQL error is a
// *scim.GraphQLError, and a reply saying success: false matches ErrUnsuccessful.
//
// # Membership
//
// Membership changes through SCIM cover users only. Members are given as W&B
// user IDs or email addresses. A team's service accounts are managed in the
// team's settings in the W&B App (or created with CreateServiceAccount);
// organization-level service accounts are added automatically to every team
// created through SCIM (Create). ReplaceMembers and RemoveAllMembers replace or
// clear the user membership; they do not remove service accounts.
// CompareMembers computes, without a request, what makes a team's members
// equal to a wanted list (keeping service accounts), and ChangeMembers
// applies such a change in one PATCH.
//
// # Deleting teams
//
// There is no Delete: W&B's SCIM API does not support deleting a team, because
// data is linked to it. Delete teams in the W&B App.
//
// # Errors
//
// Arguments are checked before anything is sent: an empty, "." or ".." team
// ID, an empty display name, an empty member value, an empty member list for
// AddMembers, or an unknown storage bucket provider returns an error matching
// scim.ErrInvalidInput and no request is made. Server replies that are not
// 2xx are *scim.Error values matching scim.ErrNotFound, scim.ErrConflict,
// scim.ErrPreconditionFailed (a stale scim.IfMatch) and the like.
package teams

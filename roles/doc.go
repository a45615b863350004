// Package roles manages W&B custom roles through the SCIM /Roles endpoints, a
// W&B extension to SCIM. Every call needs an organization admin (or an
// org-scoped service account).
//
//	svc := roles.New(client)
//	role, err := svc.Create(ctx, roles.Params{
//		Name:          "Sample custom role",
//		Description:   "A sample custom role for example",
//		Permissions:   []string{"project:update"},
//		InheritedFrom: roles.InheritMember,
//	})
//
// A custom role inherits every permission of a predefined role ("member" or
// "viewer", see Params.InheritedFrom) and adds its own custom permissions,
// named "object:operation" (for example "run:stop"). A Role lists both kinds;
// Permission.IsInherited tells them apart and Role.CustomPermissions returns
// only the custom ones.
//
// # Warnings
//
// Deleting a custom role moves every user who holds it to the predefined role
// it inherits from (its InheritedFrom).
// A Replace that changes InheritedFrom keeps the role's custom (non-inherited)
// permissions, while its inherited permissions follow the new base role.
// The server has no filter for roles, so FindByName lists all roles and
// matches the name on the client.
//
// # Input checks
//
// Arguments are checked before anything is sent; a rejected argument yields
// an error matching scim.ErrInvalidInput and no request. An ID must not be
// "", "." or ".."; a role name must not be blank; InheritedFrom must be
// exactly "member" or "viewer"; every permission name must be
// "object:operation" with exactly one colon, both parts non-empty and no
// white space; AddPermissions and RemovePermissions need at least one name.
// Repeated permission names are sent once, in the order first given. Role
// names are case-sensitive, as W&B treats custom role names: FindByName
// matches them exactly.
//
// IDs are opaque (base64 like "Um9sZTo3") and are path-escaped in every URL.
package roles

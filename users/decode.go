package users

import (
	"github.com/go-wandb/identity/internal/jsonx"
	"github.com/go-wandb/identity/scim"
)

// Decoding a User reads the reply once, without reflection: a list of 9,999
// users is W&B's largest reply, and the heart of audit and sync jobs. The
// leniency the deployments need (emails as an array, an object or absent;
// active and primary as strings; daysActive as "3" or 3.0; lastActiveAt as
// null or unparseable text; organizationRole in the W&B extension) costs
// nothing on the common path. Keys match as encoding/json matches them: exactly,
// else ignoring case; unknown keys are skipped.

// wandbExtensionKey is the W&B User extension of service-account replies.
const wandbExtensionKey = "urn:ietf:params:scim:schemas:extension:wandb:2.0:User"

// userKeys are User's keys, for case-insensitive matching.
var userKeys = []string{"id", "userName", "displayName", "active", "emails", "accountType", "organizationRole",
	"teamRoles", "registryRoles", "modelsSeat", "weaveRole", "groups", "daysActive", "lastActiveAt", "meta", "schemas",
	wandbExtensionKey}

// Values W&B repeats in every user, decoded without a new string each.
var (
	accountTypes = []string{string(AccountUser), string(AccountService), string(AccountOrgService)}
	orgRoles     = []string{"member", "admin", "viewer", "service", "org_service"}
	seats        = []string{string(SeatFull), string(SeatViewer), string(SeatNone)}
	roleNames    = []string{"admin", "member", "viewer", "restricted_viewer"}
	userSchemas  = []string{scim.UserSchema, scim.TeamsUserExtension, scim.WandbUserExtension}
)

// UnmarshalJSON implements json.Unmarshaler. Only a body that is not valid
// JSON, not a JSON object, or an attribute of the wrong structure (a string
// where a list belongs) fails; timestamps, daysActive and active are read
// leniently.
func (u *User) UnmarshalJSON(b []byte) error {
	*u = User{}
	d := jsonx.NewDecoder(b)
	var extRole string // organizationRole from the W&B extension
	if err := d.Object(func(key []byte) error { return u.field(&d, key, &extRole) }); err != nil {
		return err
	}
	if u.OrganizationRole == "" {
		u.OrganizationRole = extRole
	}
	return d.Finish()
}

// field reads the value of the member key into u.
func (u *User) field(d *jsonx.Decoder, key []byte, extRole *string) (err error) {
	var s string
	switch string(key) {
	case "id":
		u.ID, err = d.String()
	case "userName":
		u.UserName, err = d.String()
	case "displayName":
		u.DisplayName, err = d.String()
	case "active":
		u.Active, err = d.LenientBool()
	case "emails":
		var raw []byte
		if raw, err = d.Value(); err == nil {
			err = u.Emails.UnmarshalJSON(raw)
		}
	case "accountType":
		s, err = d.Intern(accountTypes)
		u.AccountType = AccountType(s)
	case "organizationRole":
		u.OrganizationRole, err = d.Intern(orgRoles)
	case "teamRoles":
		u.TeamRoles, err = decodeList(d, u.TeamRoles[:0], decodeTeamRole)
	case "registryRoles":
		u.RegistryRoles, err = decodeList(d, u.RegistryRoles[:0], decodeRegistryRole)
	case "modelsSeat":
		s, err = d.Intern(seats)
		u.ModelsSeat = Seat(s)
	case "weaveRole":
		s, err = d.Intern(seats)
		u.WeaveRole = Seat(s)
	case "groups":
		u.Groups, err = decodeList(d, u.Groups[:0], decodeGroupRef)
	case "daysActive":
		u.DaysActive, err = d.LenientInt()
	case "lastActiveAt":
		u.LastActiveAt = nil
		t, _, ok, terr := d.Time()
		if err = terr; ok {
			u.LastActiveAt = &t
		}
	case "meta":
		var raw []byte
		if raw, err = d.Value(); err == nil {
			err = u.Meta.UnmarshalJSON(raw)
		}
	case "schemas":
		u.Schemas, err = decodeList(d, u.Schemas[:0], func(d *jsonx.Decoder, s *string) (err error) {
			*s, err = d.Intern(userSchemas)
			return err
		})
	case wandbExtensionKey:
		*extRole, err = decodeExtension(d)
	default:
		if k := jsonx.Fold(key, userKeys); k != "" {
			return u.field(d, []byte(k), extRole)
		}
		err = d.Skip()
	}
	return err
}

// decodeList reads a JSON array (null gives nil) with one decode per element
// (a null element is the zero value), appending to list.
func decodeList[T any](d *jsonx.Decoder, list []T, decode func(*jsonx.Decoder, *T) error) ([]T, error) {
	if d.Null() {
		return nil, nil
	}
	if err := d.Open('['); err != nil {
		return nil, err
	}
	if list == nil {
		list = make([]T, 0, 1)
	}
	for n := 0; ; n++ {
		more, err := d.More(']', n)
		if err != nil || !more {
			return list, err
		}
		var zero T
		list = append(list, zero)
		if !d.Null() { // decoded in place: no element of its own on the heap
			if err := decode(d, &list[len(list)-1]); err != nil {
				return nil, err
			}
		}
	}
}

var teamRoleKeys = []string{"teamName", "roleName"}

func decodeTeamRole(d *jsonx.Decoder, r *TeamRole) error {
	return d.Object(func(key []byte) (err error) {
		switch jsonx.Match(key, teamRoleKeys) {
		case "teamName":
			r.TeamName, err = d.String()
		case "roleName":
			r.RoleName, err = d.Intern(roleNames)
		default:
			err = d.Skip()
		}
		return err
	})
}

var registryRoleKeys = []string{"registryName", "roleName"}

func decodeRegistryRole(d *jsonx.Decoder, r *RegistryRole) error {
	return d.Object(func(key []byte) (err error) {
		switch jsonx.Match(key, registryRoleKeys) {
		case "registryName":
			r.RegistryName, err = d.String()
		case "roleName":
			r.RoleName, err = d.Intern(roleNames)
		default:
			err = d.Skip()
		}
		return err
	})
}

var groupRefKeys = []string{"value", "display"}

func decodeGroupRef(d *jsonx.Decoder, g *GroupRef) error {
	return d.Object(func(key []byte) (err error) {
		switch jsonx.Match(key, groupRefKeys) {
		case "value":
			g.Value, err = d.String()
		case "display":
			g.Display, err = d.String()
		default:
			err = d.Skip()
		}
		return err
	})
}

var extensionKeys = []string{"organizationRole"}

// decodeExtension reads the W&B User extension's organizationRole.
func decodeExtension(d *jsonx.Decoder) (role string, err error) {
	err = d.Object(func(key []byte) (err error) {
		if jsonx.Match(key, extensionKeys) == "organizationRole" {
			role, err = d.Intern(orgRoles)
			return err
		}
		return d.Skip()
	})
	return role, err
}

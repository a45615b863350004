package orgimport

import (
	"fmt"
	"strings"
)

// Preset names the defaults of a mapping for one vendor's exports.
type Preset string

// The presets, each the defaults of a Mapping for the exports its vendor
// documents (the package documentation cites each).
const (
	// Okta: the user CSV export (profile attributes as columns: login,
	// email, firstName, lastName required; status) and the Users and Groups
	// API's user and group-member JSON (id, status, profile.login,
	// profile.email, profile.firstName, profile.lastName).
	Okta Preset = "okta"
	// Entra: Microsoft Entra ID's bulk-download users CSV
	// (userPrincipalName, displayName, givenName, surname, mail, objectId,
	// accountEnabled, …, also as the upload templates' "Name [property]
	// Required" headers), the group-member download (Object ID, User
	// principal name, Display name, Member type) and Microsoft Graph's
	// member pages (value[], @odata.type, @odata.nextLink).
	Entra Preset = "entra"
	// Google: the Google Workspace admin console's user download (Email
	// Address [Required], First Name [Required], Last Name [Required],
	// Status [READ ONLY], …) and group members (email, role, type, status),
	// and the Directory API's users and members JSON.
	Google Preset = "google"
	// BambooHR: an HR export with employeeNumber, firstName, lastName,
	// workEmail, department (each department a group), status and
	// terminationDate.
	BambooHR Preset = "bamboohr"
	// CSV: any CSV, with common column names as defaults (email, userName,
	// displayName, firstName, lastName, status, groups; for members group,
	// email, role, type); a mapping file names the others.
	CSV Preset = "csv"
)

// Presets returns the presets, in the order the documentation lists them.
func Presets() []Preset { return []Preset{Okta, Entra, Google, BambooHR, CSV} }

// ParsePreset returns the preset named s (ignoring case).
func ParsePreset(s string) (Preset, error) {
	all := Presets()
	for _, p := range all {
		if strings.EqualFold(s, string(p)) {
			return p, nil
		}
	}
	names := make([]string, len(all))
	for i, p := range all {
		names[i] = string(p)
	}
	return "", fmt.Errorf("unknown preset %s (want %s)", quote(s), strings.Join(names, ", "))
}

// Mapping returns a new Mapping with the preset's defaults: userName from
// the email's local part, each group a team of the same name with exact
// membership and team role member, status mapped as the vendor documents
// it, everyone an organization member with the seats unmanaged.
func (p Preset) Mapping() (*Mapping, error) {
	m := &Mapping{Defaults: Defaults{OrganizationRole: "member"}}
	switch p {
	case Okta:
		// Okta's user statuses (Users API, "User status"): only SUSPENDED
		// and DEPROVISIONED users cannot sign in. The admin console shows
		// them with labels ("Deactivated", "Locked out", "Password reset",
		// "Pending user action"), which its exports may carry.
		m.Users = UserFields{
			Email: Fields{"email", "profile.email"}, DisplayName: Fields{"displayName", "profile.displayName"},
			FirstName: Fields{"firstName", "profile.firstName"}, LastName: Fields{"lastName", "profile.lastName"},
			Status: Fields{"status"}, Keys: Fields{"id", "login", "profile.login"},
		}
		m.Groups = GroupFields{Group: Fields{"group"}, Member: Fields{"id", "profile.login", "profile.email", "login", "email"}}
		m.Active = map[string]bool{"active": true, "staged": true, "provisioned": true, "recovery": true,
			"password_expired": true, "locked_out": true, "suspended": false, "deprovisioned": false,
			"deactivated": false, "locked out": true, "password expired": true, "password reset": true, "pending user action": true}
	case Entra:
		// accountEnabled is True or False in the download; the upload
		// template's column is "Block sign in (Yes/No) [accountEnabled]",
		// where Yes means the account is disabled.
		m.Users = UserFields{
			Email: Fields{"mail"}, DisplayName: Fields{"displayName"}, FirstName: Fields{"givenName"}, LastName: Fields{"surname"},
			Status: Fields{"accountEnabled"}, Keys: Fields{"objectId", "id", "userPrincipalName"},
		}
		m.Groups = GroupFields{
			Group: Fields{"group"},
			Member: Fields{"Object ID", "id", "objectId", "User principal name", "userPrincipalName", "mail",
				"memberObjectIdOrUpn"}, // the member upload template's column
			Type:      Fields{"Member type", "@odata.type", "objectType"},
			UserTypes: []string{"user", "#microsoft.graph.user"},
		}
		m.Active = map[string]bool{"true": true, "false": false, "no": true, "yes": false}
	case Google:
		// "Never logged in" is a Last Sign In value, not a status: such a
		// user is active. The Directory API's JSON has the boolean
		// suspended instead of Status.
		m.Users = UserFields{
			Email: Fields{"Email Address", "primaryEmail"}, FirstName: Fields{"First Name", "name.givenName"},
			LastName: Fields{"Last Name", "name.familyName"}, DisplayName: Fields{"name.fullName"}, Status: Fields{"Status", "suspended"}, Keys: Fields{"id"},
		}
		m.Groups = GroupFields{
			Group: Fields{"group", "Group Email"}, Member: Fields{"email", "Member Email", "id"}, Type: Fields{"type", "Member Type"},
			UserTypes: []string{"user", "external"}, Role: Fields{"role", "Member Role"},
		}
		m.Active = map[string]bool{"active": true, "suspended": false, "archived": false, "never logged in": true,
			"true": false, "false": true} // suspended: true or false
	case BambooHR:
		m.Users = UserFields{
			Email: Fields{"workEmail", "Work Email"}, DisplayName: Fields{"displayName"},
			FirstName: Fields{"firstName", "First Name"}, LastName: Fields{"lastName", "Last Name"},
			Status: Fields{"status", "Status"}, TerminationDate: Fields{"terminationDate", "Termination Date"},
			Keys: Fields{"employeeNumber", "Employee #", "id"}, Groups: Fields{"department", "Department"},
		}
		m.Groups = GroupFields{Group: Fields{"group", "department"}, Member: Fields{"workEmail", "email", "employeeNumber"}}
		m.Active = map[string]bool{"active": true, "inactive": false, "terminated": false}
	case CSV:
		m.Users = UserFields{
			Email: Fields{"email", "mail", "workEmail"}, UserName: Fields{"userName"}, DisplayName: Fields{"displayName", "name"},
			FirstName: Fields{"firstName", "givenName"}, LastName: Fields{"lastName", "surname"},
			Status: Fields{"status", "active"}, TerminationDate: Fields{"terminationDate"},
			Keys: Fields{"id", "employeeNumber"}, Groups: Fields{"groups"},
		}
		m.Groups = GroupFields{
			Group: Fields{"group"}, Member: Fields{"email", "userName", "member"}, Type: Fields{"type"}, UserTypes: []string{"user"},
			Role: Fields{"role"}, Roles: map[string]string{"admin": "admin", "member": "member", "viewer": "viewer"},
		}
		m.Active = map[string]bool{"active": true, "inactive": false, "true": true, "false": false, "enabled": true,
			"disabled": false, "suspended": false, "terminated": false}
	default:
		_, err := ParsePreset(string(p))
		return nil, err
	}
	return m, nil
}

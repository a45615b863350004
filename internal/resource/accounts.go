package resource

import (
	"context"
	"errors"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// Account is a SCIM User as the service packages other than users need one:
// enough to tell who a member given by email is, and whether a member is a
// service account.
type Account struct {
	ID          string      `json:"id"`
	UserName    string      `json:"userName"`
	Emails      scim.Emails `json:"emails,omitempty"`
	AccountType string      `json:"accountType,omitempty"`
	Meta        scim.Meta   `json:"meta"`
	Schemas     []string    `json:"schemas,omitempty"`
}

// IsServiceAccount reports whether accountType, a User's accountType, is a
// service account's: SERVICE (team-scoped) or ORG_SERVICE (org-scoped), in
// any case. It is the one rule users.AccountType.IsServiceAccount and the
// team methods follow.
func IsServiceAccount(accountType string) bool {
	return strings.EqualFold(accountType, "SERVICE") || strings.EqualFold(accountType, "ORG_SERVICE")
}

// Accounts returns the Users collection (/scim/Users) read as Accounts.
func Accounts(client *scim.Client) *Collection[Account] {
	return &Collection[Account]{
		Client:  client,
		Path:    "Users",
		Type:    "User",
		Schema:  scim.UserSchema,
		Noun:    "user",
		ID:      func(a *Account) string { return a.ID },
		Meta:    func(a *Account) *scim.Meta { return &a.Meta },
		Schemas: func(a *Account) []string { return a.Schemas },
	}
}

// accountByEmail picks a user by address as users.FindByEmail does: W&B
// compares addresses ignoring case.
var accountByEmail = Match[Account]{Attr: "emails.value", Fold: true,
	Keys: func(a *Account) []string {
		values := make([]string, len(a.Emails))
		for i, e := range a.Emails {
			values[i] = e.Value
		}
		return values
	}}

// UserIDs returns the W&B user IDs of users given by ID or email address (a
// value containing "@"), in the same order: an ID is kept, an address is
// looked up with GET /scim/Users?filter=emails.value eq "…" (as
// users.FindByEmail does). A lookup that finds no user, or several, is an
// error (matching scim.ErrNotFound or scim.ErrAmbiguous): who the address
// names cannot be told.
func UserIDs(ctx context.Context, client *scim.Client, idsOrEmails []string) ([]string, error) {
	var users *Collection[Account]
	ids := make([]string, len(idsOrEmails))
	for i, v := range idsOrEmails {
		if !strings.Contains(v, "@") {
			ids[i] = v
			continue
		}
		if users == nil {
			users = Accounts(client)
		}
		a, err := users.FindBy(ctx, v, accountByEmail, nil)
		if err != nil {
			return nil, err
		}
		ids[i] = a.ID
	}
	return ids, nil
}

// ServiceAccount reports whether the user with SCIM ID id is a service
// account: GET /scim/Users/{id}, whose accountType says. A user that is
// gone (404) is not one, and gone is true.
func ServiceAccount(ctx context.Context, client *scim.Client, op, id string) (service, gone bool, err error) {
	a, err := Accounts(client).Get(ctx, op, id, nil)
	switch {
	case errors.Is(err, scim.ErrNotFound):
		return false, true, nil
	case err != nil:
		return false, false, err
	}
	return IsServiceAccount(a.AccountType), false, nil
}

// OpsByUserID returns ops with every member of the multi-valued attribute
// attr ("members") given by email address replaced by the user's ID, looked
// up as UserIDs does: in the values of add and replace operations on attr
// (and the attr field of a path-less one), and in a remove filter
// `attr[value eq "…"]`. W&B lists a team's members by ID, so a membership
// change given by email is judged (HoldsOps) on the IDs. ops is not
// changed; the lookups' error is returned as UserIDs returns it.
func OpsByUserID(ctx context.Context, client *scim.Client, attr string, ops []scim.Operation) ([]scim.Operation, error) {
	out := make([]scim.Operation, len(ops))
	for i, o := range ops {
		out[i] = o
		path, filter, filtered := strings.Cut(o.Path, "[")
		switch {
		case o.Path == "":
			fields, err := jsonValue(o.Value)
			m, ok := fields.(map[string]any)
			if err != nil || !ok {
				continue
			}
			for k, v := range m {
				if strings.EqualFold(k, attr) {
					if m[k], err = membersByID(ctx, client, v); err != nil {
						return nil, err
					}
				}
			}
			out[i].Value = m
		case !strings.EqualFold(path, attr):
		case filtered:
			sub, val, ok := parseEqFilter(strings.TrimSuffix(filter, "]"))
			email, _ := val.(string)
			if !ok || !strings.EqualFold(sub, "value") || !strings.Contains(email, "@") {
				continue
			}
			ids, err := UserIDs(ctx, client, []string{email})
			if err != nil {
				return nil, err
			}
			out[i].Path = path + "[" + sub + " eq " + scim.Quote(ids[0]) + "]"
		default:
			v, err := jsonValue(o.Value)
			if err != nil {
				continue
			}
			if out[i].Value, err = membersByID(ctx, client, v); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// membersByID replaces, in v (a members value as JSON decodes it), each
// element's "value" that is an email address with the user's ID.
func membersByID(ctx context.Context, client *scim.Client, v any) (any, error) {
	list, ok := v.([]any)
	if !ok {
		return v, nil
	}
	out := make([]any, len(list))
	for i, e := range list {
		out[i] = e
		m, ok := e.(map[string]any)
		if !ok {
			continue
		}
		email, _ := field(m, "value").(string)
		if !strings.Contains(email, "@") {
			continue
		}
		ids, err := UserIDs(ctx, client, []string{email})
		if err != nil {
			return nil, err
		}
		byID := make(map[string]any, len(m))
		for k, f := range m {
			if !strings.EqualFold(k, "value") {
				byID[k] = f
			}
		}
		byID["value"] = ids[0]
		out[i] = byID
	}
	return out, nil
}

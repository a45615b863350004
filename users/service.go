package users

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"slices"
	"strings"

	"github.com/go-wandb/identity/scim"
)

// collection is the SCIM resource collection of this package.
const collection = "Users"

// Service calls W&B's SCIM /Users endpoints and the user-level GraphQL
// operations. It is safe for concurrent use.
type Service struct {
	client *scim.Client
}

// New returns a Service that sends its requests through client.
func New(client *scim.Client) *Service {
	return &Service{client: client}
}

// Get returns the user or service account with the given SCIM ID:
// GET /scim/Users/{id}.
func (s *Service) Get(ctx context.Context, id string) (*User, error) {
	path, err := scim.ResourcePath("users.Get", collection, id)
	if err != nil {
		return nil, err
	}
	return scim.Send[User](ctx, s.client, http.MethodGet, path, nil)
}

// List returns one page of users (and, on newer servers, service accounts):
// GET /scim/Users?filter=…&startIndex=…&count=…. W&B returns up to 9999
// resources in one page and documents only the filters `userName eq` and
// `emails.value eq`. opts may be nil; negative StartIndex or Count is
// rejected before sending.
func (s *Service) List(ctx context.Context, opts *scim.ListOptions) (*scim.Page[User], error) {
	return scim.ListPage[User](ctx, s.client, collection, opts)
}

// All iterates over every user that List returns with opts, page after page
// (GET /scim/Users). An error is yielded once, with a nil user, and ends the
// iteration.
func (s *Service) All(ctx context.Context, opts *scim.ListOptions) iter.Seq2[*User, error] {
	return scim.Paginate(ctx, opts, s.List)
}

// FindByUserName returns the user whose userName is name:
// GET /scim/Users?filter=userName eq "name". W&B compares user names ignoring
// case, so a user whose name differs only in case is returned when no name
// matches exactly. When nothing matches the error matches scim.ErrNotFound;
// when the match is not unique (several exact matches, or several that match
// ignoring case and none exactly), ErrAmbiguous.
func (s *Service) FindByUserName(ctx context.Context, name string) (*User, error) {
	const op = "users.FindByUserName"
	if strings.TrimSpace(name) == "" {
		return nil, scim.Invalid(op, "empty user name")
	}
	return s.findOne(ctx, op, "userName", name, func(u *User) []string { return []string{u.UserName} })
}

// FindByEmail returns the user with the address email:
// GET /scim/Users?filter=emails.value eq "email". W&B compares addresses
// ignoring case, so an address that differs only in case is accepted when no
// address matches exactly. When nothing matches the error matches
// scim.ErrNotFound; when the match is not unique (several exact matches, or
// several that match ignoring case and none exactly), ErrAmbiguous.
func (s *Service) FindByEmail(ctx context.Context, email string) (*User, error) {
	const op = "users.FindByEmail"
	if err := checkEmail(op, email); err != nil {
		return nil, err
	}
	return s.findOne(ctx, op, "emails.value", email, func(u *User) []string {
		values := make([]string, len(u.Emails))
		for i, e := range u.Emails {
			values[i] = e.Value
		}
		return values
	})
}

// Find looks a user up by email when usernameOrEmail contains "@" (see
// FindByEmail) and by user name otherwise (see FindByUserName), as the Python
// SDK's Api.user decides. When nothing matches the error matches
// scim.ErrNotFound; when the match is not unique, ErrAmbiguous.
func (s *Service) Find(ctx context.Context, usernameOrEmail string) (*User, error) {
	if strings.TrimSpace(usernameOrEmail) == "" {
		return nil, scim.Invalid("users.Find", "empty user name or email")
	}
	if strings.Contains(usernameOrEmail, "@") {
		return s.FindByEmail(ctx, usernameOrEmail)
	}
	return s.FindByUserName(ctx, usernameOrEmail)
}

// findOne lists the users matching `attr eq value` (GET /scim/Users, every
// page) and returns the one user whose values (from values) include value
// exactly; failing that, the one user with a value equal to value ignoring
// case. Users with neither are ignored, whatever the server's filter did. No
// match is an error matching scim.ErrNotFound; more than one at the deciding
// level is ErrAmbiguous. It never falls back to an arbitrary result.
func (s *Service) findOne(ctx context.Context, op, attr, value string, values func(*User) []string) (*User, error) {
	var exact, folded []*User
	for u, err := range s.All(ctx, &scim.ListOptions{Filter: scim.Eq(attr, value)}) {
		if err != nil {
			return nil, err
		}
		vs := values(u)
		switch {
		case slices.Contains(vs, value):
			exact = append(exact, u)
		case slices.ContainsFunc(vs, func(v string) bool { return strings.EqualFold(v, value) }):
			folded = append(folded, u)
		}
	}
	matches := exact
	if len(matches) == 0 {
		matches = folded
	}
	switch len(matches) {
	case 0:
		return nil, fmt.Errorf("%s: no user with %s %q: %w", op, attr, value, scim.ErrNotFound)
	case 1:
		return matches[0], nil
	}
	ids := make([]string, len(matches))
	for i, u := range matches {
		ids[i] = u.ID
	}
	return nil, fmt.Errorf("%s: %d users with %s %q (IDs %s): %w",
		op, len(matches), attr, value, strings.Join(ids, ", "), ErrAmbiguous)
}

// Delete deletes the user or service account with the given ID:
// DELETE /scim/Users/{id} (204). For a user this removes it from the
// organization entirely; use Deactivate to keep the record. A deleted service
// account's API keys are not revoked by the server.
func (s *Service) Delete(ctx context.Context, id string, opts ...scim.RequestOption) error {
	path, err := scim.ResourcePath("users.Delete", collection, id)
	if err != nil {
		return err
	}
	_, err = s.client.Call(ctx, http.MethodDelete, path, nil, nil, opts...)
	return err
}

// checkEmail rejects an address without text on both sides of an "@".
func checkEmail(op, email string) error {
	at := strings.LastIndex(email, "@")
	if at <= 0 || at == len(email)-1 || strings.TrimSpace(email) != email {
		return scim.Invalid(op, "invalid email address %q: want local@domain", email)
	}
	return nil
}

// checkSeat rejects a seat other than full, viewer or none; empty is allowed
// only when optional.
func checkSeat(op, field string, seat Seat, optional bool) error {
	if (optional && seat == "") || seat.Valid() {
		return nil
	}
	return scim.Invalid(op, "invalid %s %q: want %q, %q or %q", field, seat, SeatFull, SeatViewer, SeatNone)
}

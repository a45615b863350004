package users

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Service calls W&B's SCIM /Users endpoints and the user-level GraphQL
// operations. It is safe for concurrent use.
type Service struct {
	client *scim.Client
	users  *resource.Collection[User]
}

// New returns a Service that sends its requests through client.
func New(client *scim.Client) *Service {
	return &Service{client: client, users: &resource.Collection[User]{
		Client:  client,
		Path:    "Users",
		Type:    "User",
		Schema:  scim.UserSchema,
		Noun:    "user",
		ID:      func(u *User) string { return u.ID },
		Meta:    func(u *User) *scim.Meta { return &u.Meta },
		Schemas: func(u *User) []string { return u.Schemas },
	}}
}

// Format prints the Service as its client's String, without credentials,
// whatever the verb.
func (s Service) Format(f fmt.State, _ rune) { fmt.Fprintf(f, "users.Service{%v}", s.client) }

// byUserName and byEmail are how FindByUserName and FindByEmail pick a user:
// W&B compares both ignoring case, so a value that differs only in case is
// accepted when none matches exactly.
var (
	byUserName = resource.Match[User]{Attr: "userName", Fold: true,
		Keys: func(u *User) []string { return []string{u.UserName} }}
	byEmail = resource.Match[User]{Attr: "emails.value", Fold: true,
		Keys: func(u *User) []string {
			values := make([]string, len(u.Emails))
			for i, e := range u.Emails {
				values[i] = e.Value
			}
			return values
		}}
)

// Get returns the user or service account with the given SCIM ID:
// GET /scim/Users/{id}. The reply must hold a user; an unknown ID fails with
// an error matching scim.ErrNotFound.
func (s *Service) Get(ctx context.Context, id string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.Get"
	u, err := s.users.Get(ctx, op, id, opts)
	return resource.Done(op, u, err)
}

// List returns one page of users (and, on newer servers, service accounts):
// GET /scim/Users?filter=…&startIndex=…&count=…. W&B returns up to 9999
// resources in one page and documents only the filters `userName eq` and
// `emails.value eq`. opts may be nil; negative StartIndex or Count is
// rejected before sending.
func (s *Service) List(ctx context.Context, opts *scim.ListOptions, reqOpts ...scim.RequestOption) (*scim.Page[User], error) {
	page, err := s.users.List(ctx, opts, reqOpts)
	return resource.Done("users.List", page, err)
}

// All iterates over every user that List returns with opts, page after page
// (GET /scim/Users). An error is yielded once, with a nil user, and ends the
// iteration.
func (s *Service) All(ctx context.Context, opts *scim.ListOptions, reqOpts ...scim.RequestOption) iter.Seq2[*User, error] {
	return resource.WrapSeq("users.All", s.users.All(ctx, opts, reqOpts))
}

// FindByUserName returns the user whose userName is name:
// GET /scim/Users?filter=userName eq "name". W&B compares user names ignoring
// case, so a user whose name differs only in case is returned when no name
// matches exactly. When nothing matches the error matches scim.ErrNotFound;
// when the match is not unique (several exact matches, or several that match
// ignoring case and none exactly), ErrAmbiguous.
func (s *Service) FindByUserName(ctx context.Context, name string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.FindByUserName"
	if resource.Blank(name) {
		return nil, resource.Invalid(op, "empty user name")
	}
	u, err := s.users.FindBy(ctx, name, byUserName, opts)
	return resource.Done(op, u, err)
}

// FindByEmail returns the user with the address email:
// GET /scim/Users?filter=emails.value eq "email". W&B compares addresses
// ignoring case, so an address that differs only in case is accepted when no
// address matches exactly. When nothing matches the error matches
// scim.ErrNotFound; when the match is not unique (several exact matches, or
// several that match ignoring case and none exactly), ErrAmbiguous.
func (s *Service) FindByEmail(ctx context.Context, email string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.FindByEmail"
	if err := checkEmail(op, email); err != nil {
		return nil, err
	}
	u, err := s.users.FindBy(ctx, email, byEmail, opts)
	return resource.Done(op, u, err)
}

// Find looks a user up by email when usernameOrEmail contains "@" (see
// FindByEmail) and by user name otherwise (see FindByUserName), as the Python
// SDK's Api.user decides. When nothing matches the error matches
// scim.ErrNotFound; when the match is not unique, ErrAmbiguous.
func (s *Service) Find(ctx context.Context, usernameOrEmail string, opts ...scim.RequestOption) (*User, error) {
	const op = "users.Find"
	if resource.Blank(usernameOrEmail) {
		return nil, resource.Invalid(op, "empty user name or email")
	}
	m := byUserName
	if strings.Contains(usernameOrEmail, "@") {
		if err := checkEmail(op, usernameOrEmail); err != nil {
			return nil, err
		}
		m = byEmail
	}
	u, err := s.users.FindBy(ctx, usernameOrEmail, m, opts)
	return resource.Done(op, u, err)
}

// Delete deletes the user or service account with the given ID:
// DELETE /scim/Users/{id} (204). For a user this removes it from the
// organization entirely; use Deactivate to keep the record. A deleted service
// account's API keys are not revoked by the server.
//
// Outcome: the DELETE is retried after a reply lost after sending (the
// connection failed, a timeout, a 502, 503 or 504, a broken 2xx body); when
// a retry answers 404 (or another refusal), or every reply is lost, the user
// is read: gone, the call succeeds; there, the error stands; when the read
// fails, the error matches scim.ErrOutcomeUnknown.
func (s *Service) Delete(ctx context.Context, id string, opts ...scim.RequestOption) error {
	const op = "users.Delete"
	return resource.Wrap(op, s.users.Delete(ctx, op, id, opts))
}

// ValidEmail reports whether email is an address this package sends: text on
// both sides of the last "@", without white space around it. It is the check
// every method that takes an address makes before sending.
func ValidEmail(email string) bool {
	at := strings.LastIndex(email, "@")
	return at > 0 && at < len(email)-1 && strings.TrimSpace(email) == email
}

// checkEmail rejects an address ValidEmail refuses.
func checkEmail(op, email string) error {
	if !ValidEmail(email) {
		return resource.Invalid(op, "invalid email address %s: want local@domain", resource.Quote(email))
	}
	return nil
}

// checkSeat rejects a seat other than full, viewer or none; empty is allowed
// only when optional.
func checkSeat(op, field string, seat Seat, optional bool) error {
	if (optional && seat == "") || seat.Valid() {
		return nil
	}
	return resource.Invalid(op, "invalid %s %s: want %q, %q or %q", field, resource.Quote(string(seat)), SeatFull, SeatViewer, SeatNone)
}

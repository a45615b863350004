package users

import (
	"fmt"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// ErrAmbiguous is scim.ErrAmbiguous: FindByUserName, FindByEmail and Find
// return it (wrapped, with the matching IDs) when the search matches more
// than one user and no single one exactly. Address the user by its SCIM ID
// instead.
var ErrAmbiguous = scim.ErrAmbiguous

// PartialCreateError reports that Create created the user but a follow-up
// step, setting its organization role, failed. User is the created user; Err
// is the failure, which errors.Is and errors.As reach:
//
//	var partial *users.PartialCreateError
//	if errors.As(err, &partial) {
//		// partial.User exists; set its role again, or delete it
//	}
type PartialCreateError struct {
	// User is the user that was created.
	User *User
	// Role is the organization role that could not be set.
	Role string
	// Err is why setting it failed.
	Err error
}

// Error implements error.
func (e *PartialCreateError) Error() string {
	return fmt.Sprintf("user %q (ID %s) was created, but setting its organization role to %q failed: %v",
		resource.Cut(e.User.UserName), resource.Cut(e.User.ID), resource.Cut(e.Role), e.Err)
}

// Unwrap returns Err.
func (e *PartialCreateError) Unwrap() error { return e.Err }

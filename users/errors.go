package users

import "errors"

// ErrAmbiguous is returned (wrapped, with the matching IDs) by FindByUserName,
// FindByEmail and Find when the search matches more than one user and no
// single one exactly. Address the user by its SCIM ID instead.
var ErrAmbiguous = errors.New("users: more than one user matches")

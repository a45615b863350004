package teams

import "errors"

// ErrAmbiguous is returned (wrapped, with the matching IDs) by FindByName when
// more than one team has the given display name. Address the team by its SCIM
// ID instead.
var ErrAmbiguous = errors.New("teams: more than one team matches")

// ErrUnsuccessful is returned (wrapped) by a GraphQL method whose reply said
// the operation did not succeed ("success": false) or returned nothing,
// without a GraphQL error.
var ErrUnsuccessful = errors.New("teams: the server reported that the operation did not succeed")

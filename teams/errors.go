package teams

import "github.com/go-wandb/identity/scim"

// ErrAmbiguous is scim.ErrAmbiguous: FindByName returns it (wrapped, with the
// matching IDs) when more than one team has the given display name. Address
// the team by its SCIM ID instead.
var ErrAmbiguous = scim.ErrAmbiguous

// ErrUnsuccessful is scim.ErrUnsuccessful: a GraphQL method returns it
// (wrapped) when the reply said the operation did not succeed
// ("success": false) or returned nothing, without a GraphQL error.
var ErrUnsuccessful = scim.ErrUnsuccessful

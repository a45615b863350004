// Package integration holds the SDK's integration tests: every service method
// of users, teams and roles run against the scim/scimtest simulator, in each
// deployment flavour and both emails shapes. It has no code of its own.
package integration

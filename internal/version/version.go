// Package version holds the SDK's release version, sent in the default User-Agent.
package version

// Version is the SDK's semantic version.
const Version = "0.1.0"

// UserAgent is the default User-Agent header value.
const UserAgent = "go-wandb-identity/" + Version

package teams

import (
	"strings"

	"github.com/go-wandb/identity/internal/resource"
)

// Storage bucket providers W&B accepts in StorageBucket.Provider. The value is
// case-sensitive: "aws" or "s3" is rejected before sending.
const (
	ProviderCoreWeave = "COREWEAVE"
	ProviderAWS       = "AWS"
	ProviderAzure     = "AZURE"
	ProviderGCP       = "GCP"
	ProviderMinIO     = "MINIO"
)

// providers lists the accepted providers, in the order W&B documents them.
var providers = []string{ProviderCoreWeave, ProviderAWS, ProviderAzure, ProviderGCP, ProviderMinIO}

// CreateParams describes a team to create with Create.
type CreateParams struct {
	// DisplayName is the team's name (required).
	DisplayName string
	// Members are the initial users, each a W&B user ID or an email address.
	// Nil or empty creates a team with no users (organization-level service
	// accounts still join it).
	Members []string
	// StorageBucket, when set, makes the team store its data in its own bucket
	// (BYOB). W&B checks that the bucket exists and is reachable; if not, the
	// request fails and no team is created.
	StorageBucket *StorageBucket
}

// StorageBucket is a team's own storage (BYOB), sent as "storageBucket" on
// team creation. Name and Provider are required; the other fields are
// optional and omitted when empty.
type StorageBucket struct {
	// Name is the bucket name.
	Name string `json:"name"`
	// Provider is one of ProviderCoreWeave, ProviderAWS, ProviderAzure,
	// ProviderGCP or ProviderMinIO, exactly (upper case).
	Provider string `json:"provider"`
	// Path is a path prefix inside the bucket.
	Path string `json:"path,omitempty"`
	// KMSKeyID is the KMS key used for encryption (for example on AWS).
	KMSKeyID string `json:"kmsKeyId,omitempty"`
	// AWSExternalID is the external ID for AWS cross-account access.
	AWSExternalID string `json:"awsExternalId,omitempty"`
	// AzureTenantID is the Azure tenant ID.
	AzureTenantID string `json:"azureTenantId,omitempty"`
	// AzureClientID is the client ID of an Azure managed identity.
	AzureClientID string `json:"azureClientId,omitempty"`
}

// validate checks b for op.
func (b *StorageBucket) validate(op string) error {
	if resource.Blank(b.Name) {
		return resource.Invalid(op, "storage bucket name is empty")
	}
	for _, p := range providers {
		if b.Provider == p {
			return nil
		}
	}
	return resource.Invalid(op, "unknown storage bucket provider %s: want one of %s (upper case)",
		resource.Quote(b.Provider), strings.Join(providers, ", "))
}

// checkDisplayName rejects an empty or blank team name.
func checkDisplayName(op, name string) error {
	if resource.Blank(name) {
		return resource.Invalid(op, "empty team display name")
	}
	return nil
}

// checkMembers rejects an empty or blank member value.
func checkMembers(op string, values []string) error {
	for i, v := range values {
		if resource.Blank(v) {
			return resource.Invalid(op, "member %d: empty user ID or email", i)
		}
	}
	return nil
}

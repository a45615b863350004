package orgsync

import _ "embed"

// PlanSchema is the JSON Schema (draft 2020-12) of a plan's JSON form, the
// one MarshalJSON writes and UnmarshalJSON reads (plan.schema.json beside
// this file), for a CI job or a program that checks a plan before it is
// reviewed or applied.
//
//go:embed plan.schema.json
var PlanSchema []byte

package orgsync

import (
	"fmt"
	"io"
	"strings"
)

// String returns the change as a plan shows it: `field from → to`, or
// `field to` when it is set on a new resource.
func (f FieldChange) String() string {
	if f.From == "" && f.To != "" {
		return f.Field + " " + value(f.Field, f.To)
	}
	return f.Field + " " + value(f.Field, f.From) + " → " + value(f.Field, f.To)
}

// value shows a field's value: free text quoted, "(none)" for empty.
func value(field, v string) string {
	switch {
	case v == "":
		return "(none)"
	case field == "displayName" || field == "description":
		return fmt.Sprintf("%q", v)
	}
	return v
}

func fields(fs []FieldChange) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, ", ")
}

// String returns the change as a plan line: "+ role auditor: …" for a
// create, "~ role auditor: …" for an update.
func (c RoleChange) String() string {
	var parts []string
	if len(c.Fields) > 0 {
		parts = append(parts, fields(c.Fields))
	}
	var perms []string
	for _, p := range c.Add {
		perms = append(perms, "+"+p)
	}
	for _, p := range c.Remove {
		perms = append(perms, "-"+p)
	}
	if len(perms) > 0 {
		parts = append(parts, "permissions "+strings.Join(perms, " "))
	}
	return symbol(c.Action) + " role " + c.Name + ": " + strings.Join(parts, ", ")
}

// String returns the change as a plan line, such as
// "~ user bob: organizationRole member → admin".
func (c UserChange) String() string {
	s := symbol(c.Action) + " user " + c.UserName
	switch c.Action {
	case Deactivate:
		s += ": deactivate"
		if c.Reason != "" {
			s += " (" + c.Reason + ")"
		}
		return s
	case Reactivate:
		s += ": reactivate"
		if len(c.Fields) > 0 {
			s += ", " + fields(c.Fields)
		}
		return s
	}
	if len(c.Fields) > 0 {
		s += ": " + fields(c.Fields)
	}
	return s
}

// String returns the change as a plan line: "+ team ml".
func (c TeamChange) String() string { return "+ team " + c.Name }

// String returns the change as a plan line, such as
// "~ team ml members: +ada +bob -carol".
func (c MembershipChange) String() string {
	var parts []string
	for _, u := range c.Add {
		parts = append(parts, "+"+u.UserName)
	}
	for _, u := range c.Remove {
		parts = append(parts, "-"+u.UserName)
	}
	return "~ team " + c.Team + " members: " + strings.Join(parts, " ")
}

// String returns the change as a plan line, such as
// "~ user ada team roles: ml member → admin".
func (c TeamRoleChange) String() string {
	parts := make([]string, len(c.Roles))
	for i, r := range c.Roles {
		parts[i] = r.Team + " " + r.From + " → " + r.To
	}
	return "~ user " + c.UserName + " team roles: " + strings.Join(parts, ", ")
}

// String returns the skipped change as a plan line.
func (s Skipped) String() string {
	return "! user " + s.UserName + ": " + s.Change + " (" + s.Reason + ")"
}

func symbol(a Action) string {
	switch a {
	case Create:
		return "+"
	case Deactivate:
		return "-"
	}
	return "~"
}

// Summary returns p's one-line summary: "No changes: …" (or, when the
// plan leaves changes of the file unmade, how many), or, for example,
// "Plan: 3 to create, 1 to update, 1 to deactivate, 4 members to add, 1 to
// remove, 2 team roles to change."
func (p *Plan) Summary() string {
	c := p.Counts()
	if c == (Counts{}) {
		if n := len(p.Skipped); n > 0 {
			return fmt.Sprintf("No changes to make, but %s the file asks for %s not made (listed above).",
				plural(n, "1 change", fmt.Sprintf("%d changes", n)), plural(n, "is", "are"))
		}
		return "No changes: the organization matches the file."
	}
	return fmt.Sprintf("Plan: %d to create, %d to update, %d to deactivate, %d %s to add, %d to remove, %d %s to change.",
		c.Create, c.Update, c.Deactivate, c.AddMembers, plural(c.AddMembers, "member", "members"), c.RemoveMembers,
		c.TeamRoles, plural(c.TeamRoles, "team role", "team roles"))
}

// Lines returns p's changes as text lines, in the plan's order.
func (p *Plan) Lines() []string {
	var out []string
	for _, c := range p.Roles {
		out = append(out, c.String())
	}
	for _, c := range p.Users {
		out = append(out, c.String())
	}
	for _, c := range p.Teams {
		out = append(out, c.String())
	}
	for _, c := range p.Memberships {
		out = append(out, c.String())
	}
	for _, c := range p.TeamRoles {
		out = append(out, c.String())
	}
	return out
}

// WriteText writes p for a person to review, like terraform plan: one line
// per change ("+" create, "~" update, "-" deactivate or remove), the
// skipped changes ("!"), the warnings, and the summary line last.
func (p *Plan) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, l := range p.Lines() {
		b.WriteString("  " + l + "\n")
	}
	if len(p.Skipped) > 0 {
		b.WriteString("Not planned:\n")
		for _, s := range p.Skipped {
			b.WriteString("  " + s.String() + "\n")
		}
	}
	if len(p.Warnings) > 0 {
		b.WriteString("Warnings:\n")
		for _, w := range p.Warnings {
			b.WriteString("  " + w.String() + "\n")
		}
	}
	b.WriteString(p.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

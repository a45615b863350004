// Package auditlogs reads W&B's audit logs through its Audit Logging API,
// entry by entry, for one time range:
//
//	svc := auditlogs.New(client)
//	q := auditlogs.Query{Start: time.Now().AddDate(0, 0, -30), Actions: []string{"user:deactivate"}}
//	for e, err := range svc.All(ctx, q) {
//		if err != nil {
//			return err // the walk is over; everything before it was yielded
//		}
//		fmt.Println(e.Timestamp, e.ActorEmail, e.UserAsset)
//	}
//
// W&B documents the API in "Track user activity with audit logs"
// (https://docs.wandb.ai/platform/hosting/monitoring-usage/audit-logging,
// wandb/docs platform/hosting/monitoring-usage/audit-logging.mdx). It has
// two forms, and All picks one by the client's deployment
// (scim.Client.Deployment):
//
//   - Dedicated Cloud and Self-Managed: GET <host>/admin/audit_logs with
//     startDate and endDate (UTC, "YYYY-MM-DDTHH:mm:ss"; endDate exclusive),
//     limit (at most 20,000), cursor and anonymize=true. With limit or
//     endDate the reply is one JSON object {audit_logs, range_start_time,
//     range_end_time, count, next_cursor}, next_cursor null on the last
//     page; without them it is newline-delimited JSON, one entry a line,
//     for startDate's day (and numDays more).
//   - Multi-tenant Cloud (Enterprise plans): GET https://api.wandb.ai/audit_logs
//     with startDate (a UTC day, "YYYY-MM-DD"), numDays (0 to 7: that day and
//     numDays more), limit and cursor; the reply is always the JSON object.
//     It always includes PII: Query.Anonymize is refused there. An admin of
//     several Multi-tenant organizations must choose a Default API
//     organization in User Settings; W&B otherwise answers "user is
//     associated with multiple organizations but no valid org ID found in
//     user info", which All returns as an error matching
//     ErrNoDefaultOrganization that says what to do.
//
// # The walk
//
// All sends the paged form, with a limit sized so that a page fits the
// client's scim.WithMaxResponseBytes (at most 10,000 entries, of about 4 KiB
// budgeted each), and follows next_cursor until it is null. It reads each
// reply as a stream and yields each entry as it is decoded, so a walk of a
// million entries holds one entry, not a page, in memory. A Multi-tenant
// range longer than one request may cover (eight days) is split into
// consecutive windows; each window continues where the server says the
// previous one ended (range_end_time), so a window the server resolved
// shorter than asked is never a gap. A window yields only the entries
// before its end (the earlier of the end asked for and range_end_time);
// an entry past it that a reply held before saying where the range ends,
// and that the next window sends again, is yielded once. A Dedicated or Self-Managed server that
// answers the paged request with newline-delimited JSON (a server from
// before paging) is read a day at a time instead (startDate=<day>,
// numDays=0): each day's reply must then fit WithMaxResponseBytes.
//
// A reply that breaks off while it is read (a reset connection, a stall past
// scim.WithTimeout) is asked for again with the same query, up to three
// times; the entries the broken read yielded are skipped, once their bytes
// are found to be the same, so no entry is yielded twice. Other failures
// are the client's: a request is retried as any GET is.
//
// The walk is complete or it ends with an error, as the SCIM walks are: a
// cursor seen before in the same window (a server sending pages in a loop),
// a page whose count is not the number of entries it holds, a resolved
// range that starts after the one asked for, a range_end_time that only a
// later page of a window gives, three pages in a row without entries that
// name a next cursor, a window that makes no progress, and a page that
// reads differently when asked for again, end
// the walk with an error matching ErrIncomplete (and, for the cursor,
// ErrRepeatedCursor), after the entries already yielded.
//
// # Filters
//
// The API filters by day range only. All asks for the smallest range
// covering [Query.Start, Query.End) and drops, itself, every entry whose
// timestamp is outside it, whose action is not one of Query.Actions, or
// whose actor is not Query.ActorEmail. An entry without a readable
// timestamp cannot be placed in the range and ends the walk with an error.
//
// # Requests
//
// Every request goes through the scim client (scim.Client.NewHostRequest
// and scim.Client.Open): the same credential, retries, per-attempt timeout,
// response-size limit, logging and error decoding as a SCIM call. W&B
// documents Basic authentication ("<username>:<api-key>", scim.WithBasicAuth)
// for this API; a client built with scim.WithAPIKey sends its Bearer key,
// which W&B documents for SCIM only. A failed request ends the walk with
// the client's error (a *scim.Error for a reply: 403 when the caller is not
// an organization admin).
package auditlogs

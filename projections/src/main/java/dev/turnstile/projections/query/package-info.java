/**
 * The query API of the activity read model: what the dashboard and the JSON HTTP API ask. Start at
 * {@link dev.turnstile.projections.query.ActivityQueries}.
 */
package dev.turnstile.projections.query;

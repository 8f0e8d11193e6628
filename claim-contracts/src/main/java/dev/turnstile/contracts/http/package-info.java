/**
 * The HTTP contract of the gateway: the bodies agents and workers send, the answers they get, and {@link
 * dev.turnstile.contracts.http.Problem}, the RFC 9457 shape of every error. The gateway writes these records and the
 * Java client reads them, so that both sides share one definition; the OpenAPI document served at {@code
 * /v3/api-docs} is generated from them. Field names are the wire names; absent (null) fields are left out.
 */
package dev.turnstile.contracts.http;

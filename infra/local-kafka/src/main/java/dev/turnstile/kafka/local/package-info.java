/**
 * A real Apache Kafka broker (KRaft, one node) assembled from Maven Central and run in-process, for the all-in-one
 * launcher and for integration tests, plus the provisioning of Turnstile's topics.
 *
 * <ul>
 *   <li>{@link dev.turnstile.kafka.local.LocalKafkaBroker}: start a broker on a data directory that survives
 *       restarts.
 *   <li>{@link dev.turnstile.kafka.local.ClaimTopicsProvisioner}: create and check the claim and job topics (and any other
 *       topic) on any cluster.
 *   <li>{@link dev.turnstile.kafka.local.SharedTestKafka}: one broker per test JVM, or an external cluster.
 *   <li>{@link dev.turnstile.kafka.local.LocalKafkaMain}: the broker as its own process.
 * </ul>
 */
package dev.turnstile.kafka.local;

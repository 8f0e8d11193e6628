package dev.turnstile.gateway.api;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * What an endpoint takes and answers, for the OpenAPI document: its body and its answers, as records of {@code
 * dev.turnstile.contracts.http}. The errors every endpoint shares ({@code application/problem+json}) are added by
 * {@link ApiDocsConfiguration}, so that each endpoint declares only what is its own.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface ApiContract {

    /** One line: what the endpoint does. */
    String summary();

    /** The JSON body's record; {@link Void} for none. */
    Class<?> body() default Void.class;

    /** The query parameters (strings), when the endpoint reads any. */
    String[] query() default {};

    /** The answers of the endpoint's own (not the shared errors). */
    Answer[] answers();

    /** Whether the endpoint is an agent request with the shared problems; false for the health probe. */
    boolean problems() default true;

    /** One answer: its status, its body's record ({@link Void} for none) and when it is given. */
    @Retention(RetentionPolicy.RUNTIME)
    @Target({})
    @interface Answer {
        int status();

        Class<?> body() default Void.class;

        String description();
    }
}

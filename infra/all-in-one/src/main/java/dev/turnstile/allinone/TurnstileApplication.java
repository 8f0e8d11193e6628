package dev.turnstile.allinone;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Spring application of the all-in-one: the gateway, processor and projections auto-configurations, in one context. */
@SpringBootApplication
public class TurnstileApplication {}

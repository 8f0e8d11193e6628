package dev.turnstile.allinone;

import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The Spring application of the all-in-one: the gateway and processor auto-configurations, in one context. */
@SpringBootApplication
public class TurnstileApplication {}

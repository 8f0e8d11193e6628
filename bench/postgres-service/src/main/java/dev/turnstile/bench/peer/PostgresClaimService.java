package dev.turnstile.bench.peer;

import java.time.Clock;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The service a team would write instead of Turnstile, for the benchmark to measure beside it: the same claim
 * endpoint ({@code POST /api/claim}, Turnstile's input rules and answer fields) over PostgreSQL, in the usual Java
 * stack — Spring MVC on virtual threads, JDBC through a HikariCP pool, one transaction per claim.
 */
@SpringBootApplication
public class PostgresClaimService {

    public static void main(String[] args) {
        SpringApplication.run(PostgresClaimService.class, args);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}

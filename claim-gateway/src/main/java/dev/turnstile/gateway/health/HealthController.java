package dev.turnstile.gateway.health;

import dev.turnstile.contracts.http.HealthReply;
import dev.turnstile.gateway.api.ApiContract;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/health}: 200 when claims can be decided, 503 with the reason otherwise. */
@RestController
class HealthController {

    private final CoordinatorHealth health;

    HealthController(CoordinatorHealth health) {
        this.health = health;
    }

    @ApiContract(
            summary = "Can claims be decided now?",
            problems = false,
            answers = {
                @ApiContract.Answer(status = 200, body = HealthReply.class, description = "Healthy"),
                @ApiContract.Answer(status = 503, body = HealthReply.class, description = "Unhealthy; see error")
            })
    @GetMapping("/api/health")
    ResponseEntity<HealthReply> health() {
        var status = health.status();
        var body = new HealthReply(
                status.healthy() ? "healthy" : "unhealthy",
                status.checkedAt().toString(),
                status.healthy() ? null : status.error());
        return ResponseEntity.status(status.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(body);
    }
}

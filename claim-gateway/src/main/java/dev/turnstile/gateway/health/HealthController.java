package dev.turnstile.gateway.health;

import java.util.LinkedHashMap;
import java.util.Map;
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

    @GetMapping("/api/health")
    ResponseEntity<Map<String, Object>> health() {
        var status = health.status();
        var body = new LinkedHashMap<String, Object>();
        body.put("status", status.healthy() ? "healthy" : "unhealthy");
        body.put("timestamp", status.checkedAt().toString());
        if (!status.healthy()) {
            body.put("error", status.error());
        }
        return ResponseEntity.status(status.healthy() ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE)
                .body(body);
    }
}

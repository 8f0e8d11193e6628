package dev.turnstile.allinone;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.info.BuildInfoContributor;
import org.springframework.boot.actuate.info.InfoEndpoint;
import org.springframework.boot.info.BuildProperties;

/** The build writes META-INF/build-info.properties, which {@code /actuator/info} shows under {@code build}. */
class BuildInfoTest {

    @Test
    void actuator_info_shows_the_artifact_and_version_the_build_recorded() throws IOException {
        var recorded = new Properties();
        try (var in = getClass().getResourceAsStream("/META-INF/build-info.properties")) {
            assertThat(in)
                    .as("META-INF/build-info.properties (spring-boot-maven-plugin build-info)")
                    .isNotNull();
            recorded.load(in);
        }
        var entries = new Properties();
        recorded.stringPropertyNames()
                .forEach(name -> entries.put(name.substring("build.".length()), recorded.getProperty(name)));

        var info = new InfoEndpoint(List.of(new BuildInfoContributor(new BuildProperties(entries)))).info();

        assertThat(info)
                .extractingByKey("build")
                .asString()
                .contains("artifact=all-in-one")
                .contains("version=");
    }
}

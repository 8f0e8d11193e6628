package dev.turnstile.gateway.web;

import dev.turnstile.gateway.settings.GatewayProperties;
import org.apache.coyote.ProtocolHandler;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.boot.tomcat.TomcatProtocolHandlerCustomizer;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The HTTP server's protections (Tomcat): the overall request read deadline and the shutdown drain. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnClass(TomcatServletWebServerFactory.class)
public class WebConfiguration {

    @Bean
    RequestDrain requestDrain(ObjectProvider<RequestDrain.Participant> participants, GatewayProperties settings) {
        return new RequestDrain(participants.orderedStream().toList(), settings.drainTimeout());
    }

    /** First in the chain, so that every request is counted and told to close while draining. */
    @Bean
    FilterRegistrationBean<RequestDrain> requestDrainFilter(RequestDrain drain) {
        var registration = new FilterRegistrationBean<>(drain);
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        registration.setAsyncSupported(true);
        return registration;
    }

    /** Every problem answered says which request it is about ({@code instance}). */
    @Bean
    ProblemInstanceAdvice problemInstanceAdvice() {
        return new ProblemInstanceAdvice();
    }

    /** 404 and 405 under {@code /api/} as problems, as every other error of the API. */
    @Bean
    ProblemExceptionAdvice problemExceptionAdvice() {
        return new ProblemExceptionAdvice();
    }

    /** Right after the drain: the request id a handler puts in the MDC stays for the request's duration only. */
    @Bean
    FilterRegistrationBean<RequestIdLogContext> requestIdLogContextFilter() {
        var registration = new FilterRegistrationBean<>(new RequestIdLogContext());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 1);
        registration.setAsyncSupported(true);
        return registration;
    }

    @Bean
    WebServerFactoryCustomizer<TomcatServletWebServerFactory> gatewayHttpProtocol() {
        return factory -> factory.setProtocol(GatewayHttpProtocol.class.getName());
    }

    @Bean
    TomcatContextCustomizer requestStartValve() {
        return context -> context.getPipeline().addValve(new RequestStartValve());
    }

    @Bean
    TomcatProtocolHandlerCustomizer<ProtocolHandler> gatewayHttpProtocolSetup(
            RequestDrain drain, SlowRequests slowRequests) {
        return handler -> {
            if (handler instanceof GatewayHttpProtocol protocol) {
                protocol.runEverySecond(new SlowRequestGuard(protocol, slowRequests));
                // A read that gets nothing for as long as a whole request may take ends too (Tomcat waits 60 s),
                // while idle keep-alive connections keep the wait they had (server.tomcat.* still override both).
                int perRead = Math.toIntExact(slowRequests.deadline().toMillis());
                if (protocol.getConnectionTimeout() < 0 || protocol.getConnectionTimeout() > perRead) {
                    protocol.setKeepAliveTimeout(protocol.getKeepAliveTimeout());
                    protocol.setConnectionTimeout(perRead);
                }
                drain.use(protocol);
            }
        };
    }
}

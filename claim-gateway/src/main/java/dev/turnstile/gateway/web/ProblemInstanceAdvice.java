package dev.turnstile.gateway.web;

import dev.turnstile.contracts.http.Problem;
import org.springframework.core.MethodParameter;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServerHttpRequest;
import org.springframework.http.server.ServerHttpResponse;
import org.springframework.http.server.ServletServerHttpRequest;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.ResponseBodyAdvice;

/**
 * Fills a problem's {@code instance} with the path of the request it answers, wherever it was made: the answers are
 * built far from the request (a decision arriving, a timeout), and this way none of them needs it.
 */
@ControllerAdvice
final class ProblemInstanceAdvice implements ResponseBodyAdvice<Object> {

    @Override
    public boolean supports(MethodParameter returnType, Class<? extends HttpMessageConverter<?>> converterType) {
        return true;
    }

    @Override
    public Object beforeBodyWrite(
            Object body,
            MethodParameter returnType,
            MediaType selectedContentType,
            Class<? extends HttpMessageConverter<?>> selectedConverterType,
            ServerHttpRequest request,
            ServerHttpResponse response) {
        if (body instanceof Problem problem && problem.instance() == null) {
            var path = request instanceof ServletServerHttpRequest servlet
                    ? servlet.getServletRequest().getRequestURI()
                    : request.getURI().getRawPath();
            return problem.at(path);
        }
        return body;
    }
}

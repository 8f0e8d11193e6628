package dev.turnstile.dashboard.signin;

import dev.turnstile.projections.web.TooManySignInAttemptsException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.web.DefaultRedirectStrategy;
import org.springframework.security.web.RedirectStrategy;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * A failed form sign-in goes back to the sign-in page: {@code ?error} for a wrong password, {@code ?throttled=<s>}
 * when it was refused without a check, so that the page can say how long to wait.
 */
public final class SignInFailureHandler implements AuthenticationFailureHandler {

    /** The sign-in page's parameter that carries the seconds to wait. */
    public static final String THROTTLED_PARAMETER = "throttled";

    private final String loginPage;
    private final RedirectStrategy redirects = new DefaultRedirectStrategy();

    public SignInFailureHandler(String loginPage) {
        this.loginPage = loginPage;
    }

    @Override
    public void onAuthenticationFailure(
            HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        var target = failure instanceof TooManySignInAttemptsException throttled
                ? loginPage + "?" + THROTTLED_PARAMETER + "=" + throttled.retryAfterSeconds()
                : loginPage + "?error";
        redirects.sendRedirect(request, response, target);
    }
}

package dev.turnstile.dashboard.signin;

import dev.turnstile.projections.web.TooManySignInAttemptsException;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.authentication.WebAuthenticationDetails;

/**
 * Checks a user name and password (form sign-in and HTTP Basic alike) only when {@link SignInThrottle} lets it, and
 * tells the throttle how the check went.
 */
public final class ThrottledAuthenticationProvider implements AuthenticationProvider {

    private final AuthenticationProvider passwords;
    private final SignInThrottle throttle;

    /** @param passwords the provider that checks passwords against the user store */
    public ThrottledAuthenticationProvider(AuthenticationProvider passwords, SignInThrottle throttle) {
        this.passwords = passwords;
        this.throttle = throttle;
    }

    @Override
    public Authentication authenticate(Authentication attempt) {
        var source = attempt.getDetails() instanceof WebAuthenticationDetails web ? web.getRemoteAddress() : null;
        var user = attempt.getName();
        SignInThrottle.Permit permit;
        try {
            permit = throttle.admit(source, user);
        } catch (TooManySignInAttemptsException refused) {
            throttle.delayRefusal();
            throw refused;
        }
        try (permit) {
            var result = passwords.authenticate(attempt);
            if (result != null) {
                throttle.accepted();
            }
            return result;
        } catch (BadCredentialsException wrong) {
            throttle.wrongPassword(source, user);
            throw wrong;
        }
    }

    @Override
    public boolean supports(Class<?> authentication) {
        return UsernamePasswordAuthenticationToken.class.isAssignableFrom(authentication);
    }
}

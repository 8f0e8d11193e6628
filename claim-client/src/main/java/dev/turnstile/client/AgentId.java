package dev.turnstile.client;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.function.UnaryOperator;

/** Names the agent making a claim, as the product asks: {@code NX_CLOUD_AGENT_ID}, else {@code hostname-pid}. */
public final class AgentId {

    /** The environment variable Nx Cloud sets on its agents. */
    public static final String ENV_VAR = "NX_CLOUD_AGENT_ID";

    private AgentId() {}

    /** This process's agent id: {@code $NX_CLOUD_AGENT_ID} when set and not blank, else {@code hostname-pid}. */
    public static String defaultAgentId() {
        return fromEnvironment(System::getenv, ProcessHandle.current().pid());
    }

    /**
     * The agent id for the given environment and process id.
     *
     * @param env looks up environment variables; returns {@code null} for unset ones
     * @param pid the process id used in the {@code hostname-pid} fallback
     */
    public static String fromEnvironment(UnaryOperator<String> env, long pid) {
        String nxAgent = env.apply(ENV_VAR);
        if (nxAgent != null && !nxAgent.isBlank()) {
            return nxAgent.strip();
        }
        return hostname(env) + "-" + pid;
    }

    /** The host name without a DNS lookup when the shell exported it; a lookup of the local host otherwise. */
    private static String hostname(UnaryOperator<String> env) {
        for (String variable : new String[] {"HOSTNAME", "COMPUTERNAME"}) {
            String value = env.apply(variable);
            if (value != null && !value.isBlank()) {
                return value.strip();
            }
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // The pid still tells agents on this host apart; set NX_CLOUD_AGENT_ID for a meaningful name.
            return "unknown-host";
        }
    }
}

package org.tidbcdc.routes.ticdc;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.camel.Exchange;

/**
 * Keeps the changefeed in the wanted state, one poll at a time: the changefeed route reads it, asks
 * {@link #observe(Exchange)} what to do, sends that request and reports the answer back. Creating and resuming wait
 * for PD and TiCDC to be healthy; a changefeed that exists is never deleted or recreated, since that loses its
 * checkpoint. Every state but normal is DOWN, never UNKNOWN: Camel leaves UNKNOWN checks out of readiness.
 */
public final class ChangefeedReconciler {

    /** What the route does after a read. */
    public enum Action {
        NONE, CREATE, RESUME, APPLY
    }

    /** What the route does after a pause made to apply the filter rules: update, or nothing. */
    public enum Step {
        UPDATE, NONE
    }

    /** TiCDC's refusal of an update that would change nothing, which means the rules are there already. */
    private static final String SAME_CONFIG = "config is the same";
    /** TiCDC's refusal of an update to a changefeed that is not stopped or failed: a race, not a verdict on the rules. */
    private static final String NOT_STOPPED = "stopped or failed";

    private final ChangefeedSpec spec;
    private final ClusterState cluster;
    private final ClusterEndpoints endpoints;
    private final ChangefeedStatus status;
    private final ResumePolicy resumePolicy;
    private final boolean resumeStopped;
    private final boolean autoResume;
    private final boolean applyDrift;
    private final Clock clock;
    private final String name;
    // the checkpoint when we last created or resumed it: progress beyond it shows the action worked
    private long awaitingProgressFrom = -1;
    // the filter rules apply: the config the read showed, then whether this instance paused the changefeed for it and
    // has not resumed it yet, applied the rules, or was refused (never retried: the settings must change first)
    private JsonNode configToUpdate;
    private List<String> rulesBeforeApply;
    private boolean pausedByApply;
    private boolean applied;
    private String refusal;
    private List<String> conflict;

    public ChangefeedReconciler(ChangefeedSpec spec, ClusterState cluster, ClusterEndpoints endpoints,
            ChangefeedStatus status, ResumePolicy resumePolicy, boolean resumeStopped, boolean autoResume,
            boolean applyDrift, Clock clock) {
        this.spec = spec;
        this.cluster = cluster;
        this.endpoints = endpoints;
        this.status = status;
        this.resumePolicy = resumePolicy;
        this.resumeStopped = resumeStopped;
        this.autoResume = autoResume;
        this.applyDrift = applyDrift;
        this.clock = clock;
        this.name = "changefeed " + spec.id();
    }

    /** The answer to GET /api/v2/changefeeds/{id}. */
    public synchronized Action observe(Exchange exchange) {
        HttpAnswer answer = HttpAnswer.of(exchange);
        if (endpoints.judge(exchange, answer)) {
            return Action.NONE; // a capture that cannot serve: the poll asks another at once
        }
        if (answer.status() == 400 && TicdcAnswers.NOT_EXISTS.equals(TicdcAnswers.errorCode(answer))) {
            return absent();
        }
        if (!answer.isSuccess()) {
            // only the explicit "not exists" means absent: a 404 or 503 here must never lead to a create
            unknown(TicdcAnswers.failure("/api/v2/changefeeds/" + spec.id(), answer));
            return Action.NONE;
        }
        Optional<ChangefeedInfo> info = answer.json().flatMap(ChangefeedInfo::parse);
        if (info.isEmpty()) {
            status.observed(ChangefeedStatus.UNKNOWN, 0, ComponentState.down("TiCDC answered " + answer.status()
                    + " for " + name + " without a changefeed: " + answer.snippet()));
            return Action.NONE;
        }
        return existing(info.get(), answer.json().map(json -> json.path("config")).orElse(null));
    }

    /** The create request's body; see {@link ChangefeedSpec#createRequest()}. */
    public String createRequest() {
        return spec.createRequest();
    }

    /** The answer to POST /api/v2/changefeeds. */
    public synchronized void created(Exchange exchange) {
        HttpAnswer answer = HttpAnswer.of(exchange);
        if (endpoints.judge(exchange, answer)) {
            return; // not created; the poll reads the changefeed again from another capture
        }
        if (answer.isSuccess()) {
            long startTs = answer.json().flatMap(ChangefeedInfo::parse).map(ChangefeedInfo::checkpointTs).orElse(0L);
            awaitingProgressFrom = startTs;
            TrackedState.LOG.info("{} created: sink {}, filter rules {}; it starts at TSO {}, and rows committed"
                    + " before that are not captured (TiCDC takes no snapshot)", name, spec.sinkUri().masked(),
                    spec.filterRules(), startTs);
            status.observed(ChangefeedStatus.CREATED, startTs,
                    ComponentState.down(name + " created, waiting for it to run"));
        } else if (TicdcAnswers.ALREADY_EXISTS.equals(TicdcAnswers.errorCode(answer))) {
            // another instance won the race: the changefeed exists, which is all we wanted
            status.observed(ChangefeedStatus.UNKNOWN, 0,
                    ComponentState.down(name + " was created by another instance meanwhile, reading it again"));
        } else {
            status.absent(ComponentState.down("creating " + name + " failed: " + TicdcAnswers.describe(answer)));
        }
    }

    /** The answer to POST /api/v2/changefeeds/{id}/resume. */
    public synchronized void resumed(Exchange exchange) {
        HttpAnswer answer = HttpAnswer.of(exchange);
        if (endpoints.judge(exchange, answer)) {
            // not resumed, so not counted: the poll reads the changefeed again from another capture, and resumes there
            resumePolicy.notMade();
            return;
        }
        if (answer.isSuccess() && pausedByApply) {
            pausedByApply = false;
            TrackedState.LOG.info("{} resumed after the filter rules apply, from its checkpoint", name);
        } else if (answer.isSuccess()) {
            TrackedState.LOG.info("{} resumed ({} of {} resumes)", name, resumePolicy.resumes(),
                    resumePolicy.maxResumes());
        } else if (pausedByApply) {
            status.observed(status.getState(), 0, ComponentState.down("resuming " + name + " after the filter rules"
                    + " apply failed, retried at the next poll: " + TicdcAnswers.describe(answer)));
        } else {
            status.observed(status.getState(), 0, ComponentState.down("resuming " + name + " failed ("
                    + resumePolicy.resumes() + " of " + resumePolicy.maxResumes() + "): "
                    + TicdcAnswers.describe(answer)));
        }
    }

    /**
     * A request that got no HTTP answer: whatever it was, the next read tells what became of it. Called after
     * {@link ClusterEndpoints#unanswered}, so that a poll that asks another capture records nothing yet.
     */
    public synchronized void unanswered(Exchange exchange) {
        if (endpoints.retrying(exchange)) {
            return;
        }
        Throwable error = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        unknown(NoAnswer.of("TiCDC", exchange.getProperty(Exchange.TO_ENDPOINT, String.class),
                error == null ? new IllegalStateException("no exception recorded") : error));
    }

    private void unknown(ComponentState ticdc) {
        status.observed(ChangefeedStatus.UNKNOWN, 0, ComponentState.down(name + " unknown: " + ticdc.reason()));
    }

    /** The answer to POST /api/v2/changefeeds/{id}/pause, made to apply the filter rules. */
    public synchronized Step paused(Exchange exchange) {
        HttpAnswer answer = HttpAnswer.of(exchange);
        if (endpoints.judge(exchange, answer)) {
            return Step.NONE; // the next capture reads it again: still normal, or stopped by us and resumed
        }
        if (!answer.isSuccess()) {
            status.observed(status.getState(), 0, ComponentState.down("pausing " + name + " to apply the filter rules"
                    + " failed, tried again at the next poll: " + TicdcAnswers.describe(answer)));
            return Step.NONE;
        }
        pausedByApply = true;
        return Step.UPDATE;
    }

    /** The PUT /api/v2/changefeeds/{id} body; see {@link ChangefeedSpec#updateRequest}. */
    public synchronized String updateRequest() {
        return spec.updateRequest(configToUpdate);
    }

    /**
     * The answer to PUT /api/v2/changefeeds/{id}. The route resumes the changefeed after it whatever it says: with the
     * new rules, or with the old config when TiCDC refused them.
     */
    public synchronized void updated(Exchange exchange) {
        HttpAnswer answer = HttpAnswer.of(exchange);
        if (endpoints.judge(exchange, answer)) {
            return;
        }
        String message = answer.json().map(json -> json.path("error_msg").asText("")).orElse("");
        if (answer.isSuccess() || answer.status() == 400 && message.contains(SAME_CONFIG)) {
            applied = true;
            TrackedState.LOG.info("{} filter rules applied: {} (were {}); it resumes from its checkpoint, nothing"
                    + " already in Kafka is touched", name, spec.filterRules(), rulesBeforeApply);
        } else if (answer.status() >= 400 && answer.status() < 500 && !message.contains(NOT_STOPPED)
                && !TicdcAnswers.NOT_EXISTS.equals(TicdcAnswers.errorCode(answer))) {
            refusal = message.isEmpty() ? answer.describe() : HttpAnswer.oneLine(message);
            TrackedState.LOG.warn("{} filter rules {} not applied, and not tried again: TiCDC refused them: {}; the"
                    + " changefeed resumes with its old config", name, spec.filterRules(), refusal);
        } else {
            TrackedState.LOG.warn("{} filter rules not applied this time, tried again at the next poll: {}", name,
                    TicdcAnswers.describe(answer));
        }
    }

    private Action absent() {
        pausedByApply = false;
        applied = false;
        refusal = null;
        conflict = null;
        resumePolicy.reset();
        if (!clusterHealthy()) {
            status.absent(ComponentState.down(name + " does not exist; it is created once PD and TiCDC are healthy ("
                    + unhealthy() + ")"));
            return Action.NONE;
        }
        status.absent(ComponentState.down(name + " does not exist, creating it"));
        return Action.CREATE;
    }

    private Action existing(ChangefeedInfo info, JsonNode config) {
        status.drift(spec.driftOf(info), applyDrift && spec.filterDiffers(info));
        String state = info.state();
        if ("normal".equals(state) && awaitingProgressFrom >= 0 && info.checkpointTs() > awaitingProgressFrom) {
            TrackedState.LOG.info("{} replicates: its checkpoint advanced to TSO {}", name, info.checkpointTs());
            awaitingProgressFrom = -1;
            resumePolicy.reset();
        }
        ComponentState health;
        switch (state) {
            case "normal" -> {
                if (applyDrift && spec.filterDiffers(info)) {
                    return applyFilter(info, config);
                }
                health = ComponentState.up(name + " is normal");
            }
            case "warning", "pending" -> health = ComponentState.down(name + " is in " + state
                    + ", TiCDC retries by itself: " + info.error());
            case "stopped" -> {
                if (pausedByApply) {
                    // this instance paused it to apply the rules, and the resume that follows got no answer
                    status.observed(state, info.checkpointTs(), ComponentState.down(name + " is stopped by this"
                            + " instance's filter rules apply; resuming it"));
                    return Action.RESUME;
                }
                String what = name + (applyDrift ? " is stopped (perhaps by an interrupted apply: resume it, or set"
                        + " CHANGEFEED_RESUME_STOPPED=true), or paused by an operator, or by TiCDC over a GC safepoint"
                        : " is stopped (paused by an operator, or by TiCDC over a GC safepoint)");
                if (resumeStopped) {
                    return resume(info, what);
                }
                health = ComponentState.down(what + "; not resumed, as CHANGEFEED_RESUME_STOPPED=false");
            }
            case "failed" -> {
                String what = name + " failed: " + info.error();
                if (autoResume) {
                    return resume(info, what);
                }
                health = ComponentState.down(what + "; not resumed, as CHANGEFEED_AUTO_RESUME=false");
            }
            case "finished", "removed" -> health = ComponentState.down(name + " is " + state + "; left alone");
            case "" -> health = ComponentState.down(name + " reports no state yet (not initialized)");
            default -> health = ComponentState.down(name + " is in state '" + HttpAnswer.oneLine(state)
                    + "', which this application does not know; left alone");
        }
        status.observed(state.isEmpty() ? ChangefeedStatus.UNKNOWN : state, info.checkpointTs(), health);
        return Action.NONE;
    }

    /**
     * A normal changefeed whose filter rules differ from the settings, with CHANGEFEED_APPLY_DRIFT=true: applied once
     * by this instance; a refusal or a later change by someone else is reported and left as it is, so two instances
     * with different rules make two updates at most.
     */
    private Action applyFilter(ChangefeedInfo info, JsonNode config) {
        String what = name + " is normal";
        ComponentState health;
        if (refusal != null) {
            health = ComponentState.up(what + "; filter rules " + spec.filterRules() + " not applied: " + refusal);
        } else if (applied) {
            if (!info.filterRules().equals(conflict)) {
                conflict = info.filterRules();
                TrackedState.LOG.warn("{} filter rules were changed to {} after this instance applied {}: another"
                        + " instance or an operator changed them; not reverted", name, conflict, spec.filterRules());
            }
            health = ComponentState.up(what + "; conflict: its filter rules were changed to " + info.filterRules()
                    + " after this instance applied " + spec.filterRules() + "; not reverted");
        } else if (config == null || !config.isObject()) {
            health = ComponentState.up(what + "; filter rules not applied: TiCDC showed no config to update");
        } else if (masksSecrets(config)) {
            health = ComponentState.up(what + "; filter rules not applied: its config holds secrets TiCDC shows as"
                    + " xxxxx, which an update would store; apply them with TiCDC's own commands");
        } else {
            configToUpdate = config;
            rulesBeforeApply = info.filterRules();
            TrackedState.LOG.info("{} filter rules are {}, applying {} (CHANGEFEED_APPLY_DRIFT=true): pause, update,"
                    + " resume", name, info.filterRules(), spec.filterRules());
            status.observed(info.state(), info.checkpointTs(), ComponentState.up(what + "; applying filter rules "
                    + spec.filterRules()));
            return Action.APPLY;
        }
        status.observed(info.state(), info.checkpointTs(), health);
        return Action.NONE;
    }

    /** A value TiCDC masked in its answer, such as a claim-check storage URI's access key: xxxxx. */
    private static boolean masksSecrets(JsonNode config) {
        if (config.isTextual()) {
            return config.asText().contains("xxxxx");
        }
        for (JsonNode child : config) {
            if (child != config.get("filter") && masksSecrets(child)) {
                return true;
            }
        }
        return false;
    }

    private Action resume(ChangefeedInfo info, String what) {
        Instant now = clock.instant();
        int done = resumePolicy.resumes();
        int max = resumePolicy.maxResumes();
        ComponentState health;
        Action action = Action.NONE;
        switch (resumePolicy.decide(now)) {
            case EXHAUSTED -> health = ComponentState.down(what + "; gave up after " + done + " resume"
                    + (done == 1 ? "" : "s") + " (CHANGEFEED_MAX_RESUMES=" + max + "), resume it by hand once the"
                    + " cause is fixed");
            case WAIT -> health = ComponentState.down(what + "; resumed " + done + " of " + max
                    + " times, waiting before the next");
            default -> {
                if (clusterHealthy()) {
                    resumePolicy.resumed(now);
                    awaitingProgressFrom = info.checkpointTs();
                    health = ComponentState.down(what + "; resuming (" + resumePolicy.resumes() + " of " + max + ")");
                    action = Action.RESUME;
                } else {
                    health = ComponentState.down(what + "; resuming waits for PD and TiCDC to be healthy ("
                            + unhealthy() + ")");
                }
            }
        }
        status.observed(info.state(), info.checkpointTs(), health);
        return action;
    }

    private boolean clusterHealthy() {
        return cluster.isUp(Component.PD) && cluster.isUp(Component.TICDC);
    }

    private String unhealthy() {
        ComponentState pd = cluster.get(Component.PD);
        return pd.isUp() ? cluster.get(Component.TICDC).reason() : pd.reason();
    }
}

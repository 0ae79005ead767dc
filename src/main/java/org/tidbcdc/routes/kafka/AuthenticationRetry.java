package org.tidbcdc.routes.kafka;

import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.tidbcdc.routes.consume.DeliveryState;

/**
 * camel-kafka stops a consumer for good when the broker refuses to authenticate it (a TLS client certificate or SASL
 * credentials it does not take): nothing is consumed until the process restarts, and readiness says only "not
 * ready". Spring Kafka's {@code restartAfterAuthException} is the same answer as this one: find a consumer stopped
 * that way, ask the broker again with a new client, which reads the key and trust stores and the credentials afresh (a
 * renewed certificate, a user created late), and start the consumer's route again once the broker takes them. The
 * broker's refusal is kept for readiness to show.
 *
 * <p>The dead-letter producer reads the stores once too, when its route starts, and keeps its certificate after the
 * file is renewed: once that certificate expired, every dead letter failed and held up its batch until a restart.
 * A batch that failed on a refusal starts the dead-letter route again, which makes a new producer.
 */
public final class AuthenticationRetry {

    private static final Logger LOG = LoggerFactory.getLogger(AuthenticationRetry.class);
    private static final long PROBE_TIMEOUT_SECONDS = 10;
    private static final long STOP_SECONDS = 1;

    private final CamelContext context;
    private final Properties kafka;
    private final String routeId;
    private final DeliveryState delivery;
    private final String deadLetterRouteId;
    private final Fencing fencing;
    private volatile String refusal;
    private boolean stoppedBefore;

    public AuthenticationRetry(CamelContext context, Properties kafka, String routeId, DeliveryState delivery,
            String deadLetterRouteId, Fencing fencing) {
        this.context = context;
        this.kafka = kafka;
        this.routeId = routeId;
        this.delivery = delivery;
        this.deadLetterRouteId = deadLetterRouteId;
        this.fencing = fencing;
    }

    /** The broker's last refusal while the consumer is stopped by it, else null. */
    public String refusal() {
        return refusal;
    }

    /** Called on a timer, every KAFKA_AUTH_RETRY_INTERVAL. */
    public synchronized void check() throws Exception {
        renewRefusedProducer();
        if (!stoppedByCamelKafka()) {
            stoppedBefore = false;
            refusal = null;
            return;
        }
        String refused = ask();
        if (refused != null) {
            if (!refused.equals(refusal)) {
                LOG.warn("The Kafka broker refuses this client's authentication: {}. Nothing is consumed until it"
                        + " takes it; asked again every KAFKA_AUTH_RETRY_INTERVAL", refused);
            }
            refusal = refused;
            stoppedBefore = true;
            return;
        }
        // a consumer that is being created looks stopped for a moment: only one seen stopped before is restarted
        if (stoppedBefore) {
            LOG.info("The Kafka broker takes this client's authentication again; starting route {} again", routeId);
            context.getRouteController().stopRoute(routeId);
            context.getRouteController().startRoute(routeId);
            refusal = null;
            stoppedBefore = false;
        } else {
            stoppedBefore = true;
        }
    }

    private void renewRefusedProducer() throws Exception {
        if (!delivery.takeBrokerRefusal() || context.isStopping()
                || context.getRouteController().getRouteStatus(deadLetterRouteId) != ServiceStatus.Started) {
            return;
        }
        LOG.warn("The Kafka broker refused the dead-letter producer's authentication ({}); starting route {} again, so"
                + " that a new producer reads the key and trust stores and the credentials afresh",
                delivery.stalledBecause(), deadLetterRouteId);
        // the batch keeps coming back to the route while its sends fail: waiting for it to leave would take the whole
        // shutdown timeout; a send cut short fails its batch, which is retried like any other
        context.getRouteController().stopRoute(deadLetterRouteId, STOP_SECONDS, TimeUnit.SECONDS);
        context.getRouteController().startRoute(deadLetterRouteId);
    }

    private boolean stoppedByCamelKafka() {
        Route route = context.getRoute(routeId);
        // a fenced consumer is stopped on purpose: started again, it would take the member back from the other process
        if (route == null || context.isStopping() || fencing.fenced() != null
                || context.getRouteController().getRouteStatus(routeId) != ServiceStatus.Started
                || !(route.getConsumer() instanceof KafkaConsumer consumer)) {
            return false;
        }
        // camel-kafka's state after an authentication error: not connected, no retry, no reconnect, not terminated
        return consumer.healthStates().stream().anyMatch(t -> !t.isReady() && !t.isRecoverable() && !t.isTerminated());
    }

    /** The broker's refusal, or null when it authenticates a new client (or fails in another way: no answer). */
    private String ask() throws InterruptedException {
        try (Admin admin = Admin.create(kafka)) {
            admin.describeCluster().nodes().get(PROBE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
            return null;
        } catch (ExecutionException e) {
            return e.getCause() instanceof AuthenticationException ? KafkaSecurity.reasons(e.getCause()) : null;
        } catch (TimeoutException e) {
            return null;
        } catch (KafkaException e) {
            // the stores no longer load (a file half replaced, a password changed): camel-kafka would fail the same
            return KafkaSecurity.reasons(e);
        }
    }
}

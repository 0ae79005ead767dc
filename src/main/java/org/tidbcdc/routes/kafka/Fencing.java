package org.tidbcdc.routes.kafka;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.WeakHashMap;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.component.kafka.KafkaConsumer;
import org.apache.camel.component.kafka.KafkaFetchRecords;
import org.apache.camel.component.kafka.PollExceptionStrategy;
import org.apache.camel.component.kafka.consumer.errorhandler.ReconnectErrorStrategy;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What camel-kafka does when a poll fails. Two processes with one {@code CDC_INSTANCE_ID} fence each other: the broker
 * gives the static member to the one that joined last and fails the other's next poll. With pollOnError=RECONNECT the
 * fenced one joins again at once and fences the first, in a loop. So a fenced consumer is closed and stays closed,
 * with one ERROR line and readiness DOWN; every other error reconnects as pollOnError=RECONNECT does (an
 * authentication error stops the consumer, for {@link AuthenticationRetry}).
 *
 * <p>camel-kafka takes one strategy for all its consumers, found in the registry; RECONNECT needs the consumer task
 * whose poll failed, which its consumer lists only to subclasses, so it is read reflectively. The route has one
 * consumer task (consumersCount 1).
 */
public final class Fencing implements PollExceptionStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(Fencing.class);
    private static final Method TASKS = tasksMethod();

    private final CamelContext context;
    private final String routeId;
    private final String group;
    private final String instance;
    private final Map<KafkaFetchRecords, PollExceptionStrategy> reconnect = new WeakHashMap<>();
    private volatile String fenced;
    private volatile boolean stopped;

    public Fencing(CamelContext context, String routeId, String group, String instance) {
        this.context = context;
        this.routeId = routeId;
        this.group = group;
        this.instance = instance;
    }

    /** The ERROR line's message once this member was fenced, else null. */
    public String fenced() {
        return fenced;
    }

    @Override
    public void reset() {
        if (fenced == null) {
            delegate().ifPresent(PollExceptionStrategy::reset);
        }
    }

    @Override
    public boolean canContinue() {
        if (stopped) {
            return false;
        }
        return delegate().map(PollExceptionStrategy::canContinue).orElse(true);
    }

    @Override
    public void handle(long partitionLastOffset, Exception exception) {
        if (isFencing(exception)) {
            if (fenced == null) {
                fenced = "fenced: another process joined group " + group + " as CDC_INSTANCE_ID=" + instance;
                LOG.error("{}. This one stops consuming and does not join again, so the two do not take the member"
                        + " from each other in turns; give each process its own CDC_INSTANCE_ID and restart this one",
                        fenced);
            }
            stopped = true;
            task().ifPresent(t -> {
                t.setReconnect(false);
                t.setConnected(false);
            });
            return;
        }
        delegate().ifPresent(s -> s.handle(partitionLastOffset, exception));
    }

    static boolean isFencing(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof FencedInstanceIdException) {
                return true;
            }
        }
        return false;
    }

    private synchronized Optional<PollExceptionStrategy> delegate() {
        return task().map(t -> reconnect.computeIfAbsent(t, ReconnectErrorStrategy::new));
    }

    /** The route's one consumer task. */
    @SuppressWarnings("unchecked")
    private Optional<KafkaFetchRecords> task() {
        Route route = context.getRoute(routeId);
        if (route == null || !(route.getConsumer() instanceof KafkaConsumer consumer)) {
            return Optional.empty();
        }
        try {
            List<KafkaFetchRecords> tasks = (List<KafkaFetchRecords>) TASKS.invoke(consumer);
            return tasks.size() == 1 ? Optional.of(tasks.get(0)) : Optional.empty();
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException("cannot read camel-kafka's consumer tasks", e);
        }
    }

    private static Method tasksMethod() {
        try {
            Method tasks = KafkaConsumer.class.getDeclaredMethod("tasks");
            tasks.setAccessible(true);
            return tasks;
        } catch (NoSuchMethodException e) {
            throw new IllegalStateException("camel-kafka's KafkaConsumer.tasks() is not there: this class is made for "
                    + "camel-kafka 4.18", e);
        }
    }
}

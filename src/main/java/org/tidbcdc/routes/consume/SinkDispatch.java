package org.tidbcdc.routes.consume;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.ExchangeExtension;
import org.apache.camel.ExchangePropertyKey;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.tidbcdc.routes.canal.ChangeEvent;
import org.tidbcdc.routes.sink.ChangeList;

/**
 * Calls the sink routes named in SINKS, in that order, on the batch exchange itself, and stops at the first that
 * fails. Not a recipient list or a multicast: those copy the exchange and run error handling on the copy.
 *
 * <p>Each sink gets as its body a {@link ChangeList} of the batch's changes it does not hold yet, and nothing else it
 * does to the exchange outlives its call: the headers, the properties (Camel's own included) and the body are put
 * back afterwards, and a stop or a rollback it asked for is cleared. A failure is then thrown afresh as a
 * {@link SinkFailedException}. So the sink route's own error handling cannot keep cdc-errors from retrying and
 * rewinding the batch: Camel's default error handler marks the unit of work exhausted, after which the caller would
 * neither retry nor rewind. Putting the headers back also keeps the redelivery counter of cdc-errors, which Camel
 * 4.18 keeps in a header: a sink route that removes every header and then fails would otherwise be redelivered for
 * ever (CAMEL-23469).
 */
public final class SinkDispatch {

    /** Route id of sink N. */
    public static String routeId(String sink) {
        return "cdc-sink-" + sink;
    }

    /** Endpoint of sink N. */
    public static String uri(String sink) {
        return "direct:" + routeId(sink);
    }

    private static final ExchangePropertyKey[] INTERNAL = ExchangePropertyKey.values();

    private final CamelContext context;
    private final SinkHoldings holdings;
    private final List<String> sinks;
    private final Map<String, Endpoint> endpoints = new HashMap<>();
    private ProducerTemplate template;
    private volatile BiConsumer<String, Long> written = (sink, nanos) -> { };

    public SinkDispatch(CamelContext context, SinkHoldings holdings) {
        this.context = context;
        this.holdings = holdings;
        this.sinks = holdings.sinks();
    }

    public List<String> sinks() {
        return sinks;
    }

    /** Called with the sink's name and the nanoseconds from its first attempt on a batch to its success. */
    public void onWritten(BiConsumer<String, Long> listener) {
        this.written = listener;
    }

    /** Delivers the batch's changes (the body) to every sink, in order; throws at the first sink that fails. */
    public void deliver(Exchange exchange) throws SinkFailedException {
        KafkaBatch batch = exchange.getProperty(OffsetCursor.BATCH, KafkaBatch.class);
        // sinks never commit: offsets are committed after the last sink, by OffsetCursor
        exchange.getMessage().removeHeader(KafkaConstants.MANUAL_COMMIT);
        @SuppressWarnings("unchecked")
        List<ChangeEvent> changes = exchange.getMessage().getBody(List.class);
        if (changes == null) {
            changes = List.of();
        }
        for (String sink : sinks) {
            List<ChangeEvent> body = notHeld(sink, batch, changes);
            if (body.isEmpty()) {
                held(sink, batch);
                continue;
            }
            long started = batch == null ? System.nanoTime() : batch.sinkStarted(sink, System.nanoTime());
            call(sink, exchange, new ChangeList(context, body));
            held(sink, batch);
            written.accept(sink, System.nanoTime() - started);
        }
    }

    /** The changes of records this sink does not hold yet; almost always all of them, as the same list. */
    private List<ChangeEvent> notHeld(String sink, KafkaBatch batch, List<ChangeEvent> changes) {
        if (batch == null || changes.isEmpty()) {
            return changes;
        }
        DeliveredRecords held = holdings.of(sink);
        List<Exchange> records = batch.delivered();
        Set<ChangeEvent> skip = null;
        for (int i = 0; i < records.size(); i++) {
            if (held.holds(batch.partitionOf(i), batch.offsetOf(i), records.get(i))) {
                if (skip == null) {
                    skip = Collections.newSetFromMap(new IdentityHashMap<>());
                }
                skip.addAll(batch.eventsOf(i));
            }
        }
        if (skip == null) {
            return changes;
        }
        List<ChangeEvent> out = new ArrayList<>(changes.size());
        for (ChangeEvent e : changes) {
            if (!skip.contains(e)) {
                out.add(e);
            }
        }
        return out;
    }

    private void held(String sink, KafkaBatch batch) {
        if (batch == null) {
            return;
        }
        DeliveredRecords held = holdings.of(sink);
        List<Exchange> records = batch.delivered();
        for (int i = 0; i < records.size(); i++) {
            held.delivered(batch.partitionOf(i), batch.offsetOf(i), records.get(i));
        }
    }

    private void call(String sink, Exchange exchange, ChangeList body) throws SinkFailedException {
        Message message = exchange.getMessage();
        Object before = message.getBody();
        Map<String, Object> headers = new HashMap<>(message.getHeaders());
        Map<String, Object> properties = new HashMap<>(exchange.getProperties());
        // Camel's own properties too: a sink's error handler marks the unit of work exhausted in one
        Object[] internal = new Object[INTERNAL.length];
        for (int i = 0; i < INTERNAL.length; i++) {
            internal[i] = exchange.getProperty(INTERNAL[i]);
        }
        message.setBody(body);
        Exception failure;
        try {
            template().send(endpoint(sink), exchange);
            failure = exchange.getException();
        } catch (RuntimeException e) {
            failure = e;
        }
        // whatever the sink did to the exchange stays with it
        if (exchange.getMessage() != message) {
            exchange.setMessage(message);
        }
        message.getHeaders().clear();
        message.getHeaders().putAll(headers);
        message.setBody(before);
        exchange.getProperties().clear();
        exchange.getProperties().putAll(properties);
        for (int i = 0; i < INTERNAL.length; i++) {
            if (internal[i] == null) {
                exchange.removeProperty(INTERNAL[i]);
            } else {
                exchange.setProperty(INTERNAL[i], internal[i]);
            }
        }
        exchange.setException(null);
        exchange.setRouteStop(false);
        exchange.setRollbackOnly(false);
        exchange.setRollbackOnlyLast(false);
        ExchangeExtension ext = exchange.getExchangeExtension();
        ext.setRedeliveryExhausted(false);
        ext.setErrorHandlerHandled(null);
        ext.setFailureHandled(false);
        if (failure != null) {
            throw new SinkFailedException(routeId(sink), failure);
        }
    }

    private Endpoint endpoint(String sink) {
        return endpoints.computeIfAbsent(sink, s -> context.getEndpoint(uri(s)));
    }

    private ProducerTemplate template() {
        if (template == null) {
            template = context.createProducerTemplate();
        }
        return template;
    }
}

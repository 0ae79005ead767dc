package org.tidbcdc.routes.consume;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.ErrorHandlerFactory;
import org.apache.camel.main.BaseMainSupport;
import org.apache.camel.main.MainListenerSupport;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.ExpressionSubElementDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.OnExceptionDefinition;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SetPropertyDefinition;
import org.apache.camel.model.errorhandler.DeadLetterChannelDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.model.language.ExpressionDefinition;
import org.apache.camel.support.CamelContextHelper;
import org.apache.camel.support.PatternHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.tidbcdc.routes.settings.PipelineSettings;
import org.tidbcdc.routes.sink.RetryBudget;

/**
 * Checks, once the routes are loaded and before any starts, that every sink in SINKS is a route the dispatch can
 * call safely: its route exists, its error handling cannot mark a failure as dealt with, and one retry cycle of its
 * longest attempt fits in CDC_MAX_POLL_INTERVAL_MS. It also makes cdc-consume start after every other route, so that
 * it stops first: the batch in flight at SIGTERM still finds its sinks. Without a cdc-consume route there is no data
 * plane, and nothing to check. With ROUTES_RELOAD, an edit is checked the same way before it replaces a running route
 * ({@link CheckedRouteReload}).
 */
public final class SinkRoutes extends MainListenerSupport {

    /** The exchange property a step of a sink route sets: its longest attempt, as a duration. */
    public static final String MAX_ATTEMPT = "cdcSinkMaxAttempt";
    static final String CONSUME = "cdc-consume";

    @Override
    public void afterConfigure(BaseMainSupport main) {
        CamelContext context = main.getCamelContext();
        check(context);
        // ROUTES_RELOAD: camel-main's reload, with an edit checked before it replaces a running route
        RouteWatcherReloadStrategy camels = context.hasService(RouteWatcherReloadStrategy.class);
        if (camels != null && !(camels instanceof CheckedRouteReload)) {
            try {
                context.addService(new CheckedRouteReload(camels));
                // camel-main's own stays registered, removed or not: without its scheduler it watches nothing
                camels.setScheduler(false);
                context.removeService(camels);
            } catch (Exception e) {
                throw new IllegalStateException("cannot set up ROUTES_RELOAD: " + e.getMessage(), e);
            }
        }
    }

    static void check(CamelContext context) {
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        RouteDefinition consume = model.getRouteDefinition(CONSUME);
        if (consume == null) {
            return;
        }
        if (!callsDispatch(consume.getOutputs())) {
            throw new IllegalArgumentException("Route " + CONSUME + (consume.getResource() == null ? ""
                    : " (" + consume.getResource().getLocation() + ")") + " does not call the sinks through"
                    + " sinkDispatch: a copy of an older release's file? See docs/upgrading.md");
        }
        PipelineSettings settings = CamelContextHelper.mandatoryLookup(context, "pipelineSettings",
                PipelineSettings.class);
        for (String sink : settings.sinks()) {
            String id = SinkDispatch.routeId(sink);
            RouteDefinition route = model.getRouteDefinition(id);
            if (route == null) {
                throw new IllegalArgumentException("SINKS: sink '" + sink + "' has no route: no route with id " + id
                        + " (from " + SinkDispatch.uri(sink) + ") was loaded from ROUTES_DIR");
            }
            checkSink(context, model, sink, route);
        }
        // started last, stopped first: whatever the sink routes' own startupOrder says
        consume.setStartupOrder(Integer.MAX_VALUE - 1);
    }

    private static boolean callsDispatch(List<ProcessorDefinition<?>> outputs) {
        for (ProcessorDefinition<?> p : outputs) {
            if (p instanceof BeanDefinition bean && "sinkDispatch".equals(bean.getRef())
                    || callsDispatch(p.getOutputs())) {
                return true;
            }
        }
        return false;
    }

    /** The checks of a sink route, for a route an edit reloads: none when it is not a sink in SINKS. */
    static void checkIfSink(CamelContext context, Model model, RouteDefinition route) {
        String id = route.getRouteId();
        PipelineSettings settings = context.getRegistry().lookupByNameAndType("pipelineSettings",
                PipelineSettings.class);
        if (id == null || settings == null) {
            return;
        }
        for (String sink : settings.sinks()) {
            if (id.equals(SinkDispatch.routeId(sink))) {
                checkSink(context, model, sink, route);
            }
        }
    }

    private static void checkSink(CamelContext context, Model model, String sink, RouteDefinition route) {
        String id = SinkDispatch.routeId(sink);
        String from = context.resolvePropertyPlaceholders(route.getInput().getEndpointUri());
        if (!from.equals(SinkDispatch.uri(sink)) && !from.startsWith(SinkDispatch.uri(sink) + "?")) {
            throw new IllegalArgumentException("SINKS: sink '" + sink + "': route " + id + " must start from "
                    + SinkDispatch.uri(sink) + ", not " + from);
        }
        String swallow = couldSwallow(route, model);
        if (swallow != null) {
            throw new IllegalArgumentException("Sink route " + id + " " + swallow + ": a failure it marks as "
                    + "dealt with would be committed without reaching the sink; use errorHandler: noErrorHandler "
                    + "and let the exception leave the route (docs/extending.md)");
        }
        SetPropertyDefinition declared = maxAttemptStep(route);
        RetryBudget.of(context, maxAttempt(context, route, declared))
                .checkFits(RetryBudget.maxPollInterval(context), id, declared.getDescription());
    }

    /** Why the route's error handling could end a failure inside the route, or null when it cannot. */
    static String couldSwallow(RouteDefinition route, Model model) {
        ErrorHandlerFactory handler = errorHandler(route);
        List<OnExceptionDefinition> clauses = new ArrayList<>();
        collectOnExceptions(route.getOutputs(), clauses);
        for (RouteConfigurationDefinition config : model.getRouteConfigurationDefinitions()) {
            if (applies(config, route)) {
                clauses.addAll(config.getOnExceptions());
                if (handler == null && config.getErrorHandler() != null) {
                    handler = config.getErrorHandler().getErrorHandlerType();
                }
            }
        }
        if (route.getErrorHandlerRef() != null) {
            return "names an error handler (" + route.getErrorHandlerRef() + ") that startup cannot check";
        }
        if (handler instanceof DeadLetterChannelDefinition) {
            return "has a dead-letter channel, which marks every failure as dealt with";
        }
        if (handler != null && !(handler instanceof NoErrorHandlerDefinition)
                && !(handler instanceof DefaultErrorHandlerDefinition)) {
            return "has an error handler (" + handler.getClass().getSimpleName() + ") that startup cannot check";
        }
        for (OnExceptionDefinition clause : clauses) {
            if (mayBeTrue(clause.getHandled(), clause.getHandledPolicy() != null)
                    || mayBeTrue(clause.getContinued(), clause.getContinuedPolicy() != null)) {
                return "has an onException " + clause.getExceptions() + " that is handled or continued";
            }
        }
        return null;
    }

    private static ErrorHandlerFactory errorHandler(RouteDefinition route) {
        if (route.getErrorHandler() != null) {
            return route.getErrorHandler().getErrorHandlerType();
        }
        return route.isErrorHandlerFactorySet() ? route.getErrorHandlerFactory() : null;
    }

    private static void collectOnExceptions(List<ProcessorDefinition<?>> outputs, List<OnExceptionDefinition> out) {
        for (ProcessorDefinition<?> p : outputs) {
            if (p instanceof OnExceptionDefinition clause) {
                out.add(clause);
            }
        }
    }

    /** As Camel applies them: those the route names (patterns allowed), or those without an id to a route naming none. */
    private static boolean applies(RouteConfigurationDefinition config, RouteDefinition route) {
        String ids = route.getRouteConfigurationId();
        if (ids == null) {
            return config.getId() == null;
        }
        for (String id : ids.split(",")) {
            if (config.getId() != null && PatternHelper.matchPattern(config.getId(), id.strip())) {
                return true;
            }
        }
        return false;
    }

    private static boolean mayBeTrue(ExpressionSubElementDefinition expression, boolean policy) {
        if (expression == null || expression.getExpressionType() == null) {
            return policy;
        }
        ExpressionDefinition e = expression.getExpressionType();
        return !("constant".equals(e.getLanguage()) && "false".equalsIgnoreCase(e.getExpression().strip()));
    }

    /** The route's {@code setProperty: cdcSinkMaxAttempt} step, which declares its longest attempt. */
    static SetPropertyDefinition maxAttemptStep(RouteDefinition route) {
        for (ProcessorDefinition<?> p : route.getOutputs()) {
            if (p instanceof SetPropertyDefinition set && MAX_ATTEMPT.equals(set.getName())
                    && set.getExpression() != null && "constant".equals(set.getExpression().getLanguage())) {
                return set;
            }
        }
        throw new IllegalArgumentException("Sink route " + route.getRouteId() + " declares no longest attempt: it"
                + " needs a step setProperty " + MAX_ATTEMPT + " with a constant duration such as 20s, so that"
                + " startup can check one retry cycle fits in CDC_MAX_POLL_INTERVAL_MS (docs/extending.md)");
    }

    static Duration maxAttempt(CamelContext context, RouteDefinition route, SetPropertyDefinition declared) {
        String value = context.resolvePropertyPlaceholders(declared.getExpression().getExpression());
        try {
            return PipelineSettings.positiveDuration(MAX_ATTEMPT, value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Sink route " + route.getRouteId() + ": " + e.getMessage());
        }
    }
}

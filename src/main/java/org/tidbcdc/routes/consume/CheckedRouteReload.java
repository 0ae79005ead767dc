package org.tidbcdc.routes.consume;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.RoutesBuilder;
import org.apache.camel.ServiceStatus;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.model.BeanDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.ProcessorDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.SendDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.PluginHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ROUTES_RELOAD as camel-main does it, except that a broken edit leaves the running routes in place. An edited file
 * is parsed and checked first: its endpoints must resolve, the beans it names must exist, and a sink route in SINKS
 * must pass the startup checks of {@link SinkRoutes}. A file that passes and still does not start gets the previous
 * definitions of its routes back. A batch in flight meanwhile waits for its sink route (a direct: producer waits for
 * its consumer), or fails and is rewound; it is never skipped.
 */
final class CheckedRouteReload extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(CheckedRouteReload.class);

    CheckedRouteReload(RouteWatcherReloadStrategy camels) {
        super(camels.getFolder(), camels.isRecursive());
        setPattern(camels.getPattern());
        setRemoveAllRoutes(camels.isRemoveAllRoutes());
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        CamelContext context = getCamelContext();
        List<RouteDefinition> edited;
        try {
            edited = check(context, resources);
        } catch (Exception e) {
            setLastError(e);
            LOG.error("Route edit not applied, the running routes stay as they were: {}: {}", names(resources),
                    e.getMessage());
            return;
        }
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        List<RouteDefinition> previous = new ArrayList<>();
        for (RouteDefinition d : edited) {
            RouteDefinition old = model.getRouteDefinition(d.getRouteId());
            if (old != null) {
                previous.add(old);
            }
        }
        super.onRouteReload(resources, removeEverything);
        List<String> failed = edited.stream().map(RouteDefinition::getRouteId)
                .filter(id -> context.getRouteController().getRouteStatus(id) != ServiceStatus.Started).toList();
        if (!failed.isEmpty()) {
            LOG.error("Route edit of {} did not start {}: the previous definitions are put back", names(resources),
                    failed);
            restore(context, model, failed, previous);
        }
    }

    private static void restore(CamelContext context, Model model, List<String> failed,
            List<RouteDefinition> previous) {
        try {
            for (String id : failed) {
                Route route = context.getRoute(id);
                if (route != null) {
                    context.getRouteController().stopRoute(id);
                    context.removeRoute(id);
                }
                RouteDefinition d = model.getRouteDefinition(id);
                if (d != null) {
                    model.removeRouteDefinition(d);
                }
            }
            List<RouteDefinition> back = previous.stream().filter(d -> failed.contains(d.getRouteId())).toList();
            model.addRouteDefinitions(back);
        } catch (Exception e) {
            LOG.error("Could not put back the previous definitions of {}: {}", failed, e.getMessage(), e);
        }
    }

    /** Parses the files and checks their routes; returns the routes they define. */
    static List<RouteDefinition> check(CamelContext context, Collection<Resource> resources) throws Exception {
        List<RouteDefinition> routes = new ArrayList<>();
        for (RoutesBuilder builder : PluginHelper.getRoutesLoader(context).findRoutesBuilders(resources)) {
            if (builder instanceof RouteBuilder rb) {
                rb.setCamelContext(context);
                rb.configure();
                routes.addAll(rb.getRouteCollection().getRoutes());
            }
        }
        Model model = context.getCamelContextExtension().getContextPlugin(Model.class);
        for (RouteDefinition route : routes) {
            context.getEndpoint(route.getInput().getEndpointUri());
            checkSteps(context, route.getOutputs());
            SinkRoutes.checkIfSink(context, model, route);
        }
        return routes;
    }

    private static void checkSteps(CamelContext context, List<ProcessorDefinition<?>> steps) {
        for (ProcessorDefinition<?> step : steps) {
            if (step instanceof SendDefinition<?> send && send.getEndpointUri() != null) {
                context.getEndpoint(send.getEndpointUri());
            }
            if (step instanceof BeanDefinition bean && bean.getRef() != null
                    && context.getRegistry().lookupByName(context.resolvePropertyPlaceholders(bean.getRef())) == null) {
                throw new IllegalArgumentException("no bean named " + bean.getRef());
            }
            checkSteps(context, step.getOutputs());
        }
    }

    private static List<String> names(Collection<Resource> resources) {
        return resources.stream().map(Resource::getLocation).toList();
    }
}

package org.tidbcdc.routes.consume;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.model.ExpressionSubElementDefinition;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.errorhandler.DeadLetterChannelDefinition;
import org.apache.camel.model.errorhandler.DefaultErrorHandlerDefinition;
import org.apache.camel.model.errorhandler.NoErrorHandlerDefinition;
import org.apache.camel.model.language.ConstantExpression;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SinkRoutesTest {

    final DefaultCamelContext context = new DefaultCamelContext();
    final Model model = context.getCamelContextExtension().getContextPlugin(Model.class);

    @AfterEach
    void close() throws Exception {
        context.close();
    }

    static RouteDefinition sink() {
        RouteDefinition r = new RouteDefinition();
        r.from("direct:cdc-sink-x").routeId("cdc-sink-x");
        return r;
    }

    @Test
    void noErrorHandlerAndCamelsDefaultOneCannotSwallowAFailureTheDispatchThrowsAgain() {
        RouteDefinition none = sink();
        none.errorHandler(new NoErrorHandlerDefinition());
        none.to("log:x");
        assertThat(SinkRoutes.couldSwallow(none, model)).isNull();
        RouteDefinition unset = sink();
        unset.to("log:x");
        assertThat(SinkRoutes.couldSwallow(unset, model)).isNull();
        RouteDefinition defaults = sink();
        defaults.errorHandler(new DefaultErrorHandlerDefinition());
        assertThat(SinkRoutes.couldSwallow(defaults, model)).isNull();
    }

    @Test
    void aDeadLetterChannelIsRefused() {
        RouteDefinition r = sink();
        r.errorHandler(new DeadLetterChannelDefinition("log:dead"));
        assertThat(SinkRoutes.couldSwallow(r, model)).contains("dead-letter channel");
    }

    @Test
    void anOnExceptionThatIsHandledOrContinuedIsRefusedWhereverItComesFrom() {
        RouteDefinition inRoute = sink();
        inRoute.onException(Exception.class).handled(true).end();
        inRoute.to("log:x");
        assertThat(SinkRoutes.couldSwallow(inRoute, model)).contains("onException").contains("handled or continued");

        RouteConfigurationDefinition config = new RouteConfigurationDefinition();
        config.setId("lenient");
        config.onException(IllegalStateException.class).continued(true);
        model.addRouteConfiguration(config);
        RouteDefinition configured = sink();
        configured.routeConfigurationId("lenient");
        configured.errorHandler(new NoErrorHandlerDefinition());
        assertThat(SinkRoutes.couldSwallow(configured, model)).contains("IllegalStateException");

        RouteDefinition other = sink();
        other.routeConfigurationId("strict");
        other.errorHandler(new NoErrorHandlerDefinition());
        assertThat(SinkRoutes.couldSwallow(other, model)).isNull();
    }

    @Test
    void anOnExceptionThatLeavesTheFailureUnhandledIsAllowed() {
        RouteDefinition r = sink();
        // as YAML's handled: {constant: "false"} declares it
        r.onException(Exception.class)
                .setHandled(new ExpressionSubElementDefinition(new ConstantExpression("false")));
        r.errorHandler(new NoErrorHandlerDefinition());
        assertThat(SinkRoutes.couldSwallow(r, model)).isNull();
    }
}

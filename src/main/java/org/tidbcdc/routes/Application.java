package org.tidbcdc.routes;

import java.net.InetAddress;
import java.net.UnknownHostException;

import org.apache.camel.main.Main;
import org.tidbcdc.routes.consume.SinkRoutes;
import org.tidbcdc.routes.settings.RoutesFolder;

/** Starts camel-main; routes, beans and settings come from application.properties and routes/. */
public final class Application {

    private Application() {
    }

    public static void main(String[] args) throws Exception {
        Main main = camelMain();
        // the default of CDC_INSTANCE_ID: HOSTNAME is not exported by every shell, so ask the OS
        main.addInitialProperty("cdc.host-name", hostName());
        main.run(args);
    }

    /** camel-main as routes.jar runs it; the tests start the same. */
    public static Main camelMain() {
        Main main = new Main();
        main.addMainListener(new RoutesFolder());
        // before the routes are loaded: no shipped route file of another release
        main.addMainListener(new RouteFormat());
        // once the routes are loaded: every sink in SINKS is a route that can be called safely
        main.addMainListener(new SinkRoutes());
        return main;
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "cdc-routes";
        }
    }
}

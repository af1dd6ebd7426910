package io.batchpipeline.common;

import java.util.Collection;
import java.util.function.Consumer;

import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Route;
import org.apache.camel.support.LifecycleStrategySupport;

/** The routes that read a source, as Camel adds them: their consumer exists, and nothing has started yet. */
public final class SourceRoutes {

    private SourceRoutes() {
    }

    /** Runs {@code setUp} on each route that reads {@code source}, as it is added. */
    public static void onAdd(CamelContext context, Endpoint source, Consumer<Route> setUp) {
        context.addLifecycleStrategy(new LifecycleStrategySupport() {
            @Override
            public void onRoutesAdd(Collection<Route> routes) {
                for (Route route : routes) {
                    if (route.getEndpoint() == source) {
                        setUp.accept(route);
                    }
                }
            }
        });
    }
}

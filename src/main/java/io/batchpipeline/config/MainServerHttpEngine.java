package io.batchpipeline.config;

import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;

/**
 * The {@code platform-http} engine, told which port Camel's main HTTP server listens on. Works around Camel 4.17:
 * with the management server on a port of its own (observability), there are two Vert.x servers, and
 * {@link VertxPlatformHttpEngine#getServerPort()} then falls back to port 8080 whatever {@code camel.server.port}
 * says, so that a {@code platform-http:} source fails to start on any other port. Bound as
 * {@code platform-http-engine}, the name the component looks up first.
 */
final class MainServerHttpEngine extends VertxPlatformHttpEngine {

    static final String NAME = "platform-http-engine";

    private final int port;

    private MainServerHttpEngine(int port) {
        this.port = port;
    }

    /** Binds the engine when Camel's main HTTP server is enabled. */
    static void bindIfServerEnabled(CamelContext context) {
        var properties = context.getPropertiesComponent();
        if (Boolean.parseBoolean(properties.resolveProperty("camel.server.enabled").orElse("false"))) {
            int port = Integer.parseInt(properties.resolveProperty("camel.server.port").orElse("8080").trim());
            context.getRegistry().bind(NAME, new MainServerHttpEngine(port));
        }
    }

    @Override
    public int getServerPort() {
        return port;
    }
}

package io.batchpipeline.source;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.util.Map;

import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;

import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Processor;
import org.apache.camel.component.nats.NatsComponent;
import org.apache.camel.component.nats.NatsConfiguration;
import org.apache.camel.component.nats.NatsEndpoint;
import org.apache.camel.spi.annotations.Component;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.util.ObjectHelper;

/**
 * camel-nats' component, bound as {@code nats}, whose endpoints read with the pipeline's own consumers: JetStream's
 * ({@link JetStreamConsumer}) acknowledges a message once its records are written, and both connect in the background
 * ({@link NatsSourceConsumer}). Everything else (URI options, {@code camel.component.nats.*}, producers) is camel-nats'
 * own; Camel finds camel-nats' property configurers by the scheme this annotation names.
 */
@Component(NatsSourceComponent.SCHEME)
public final class NatsSourceComponent extends NatsComponent {

    /** Camel's scheme, under which the pipeline binds this component. */
    public static final String SCHEME = "nats";

    /** The configuration as camel-nats 4.17's {@code createEndpoint} makes it, for an endpoint of ours. */
    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        NatsConfiguration configuration = new NatsConfiguration();
        if (getHeaderFilterStrategy() != null) {
            configuration.setHeaderFilterStrategy(getHeaderFilterStrategy());
        }
        configuration.setTopic(remaining);
        configuration.setServers(getServers());
        configuration.setVerbose(isVerbose());
        if (configuration.getSslContextParameters() == null) {
            configuration.setSslContextParameters(retrieveGlobalSslContextParameters());
        }
        SourceEndpoint endpoint = new SourceEndpoint(uri, this, configuration);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** A {@code nats:} endpoint read by the pipeline's own consumers. */
    static final class SourceEndpoint extends NatsEndpoint {

        /** Messages handed on and not yet acknowledged that the server should allow; 0 leaves the consumer's own limit. */
        private long inFlight;
        private final NatsConnectionState state;

        SourceEndpoint(String uri, NatsComponent component, NatsConfiguration configuration) {
            super(uri, component, configuration);
            state = new NatsConnectionState(uri.replaceFirst("\\?.*", ""));
        }

        NatsConnectionState state() {
            return state;
        }

        void setInFlight(long inFlight) {
            this.inFlight = inFlight;
        }

        /** As camel-nats 4.17 connects (its options, TLS, a credentials file), with the connection's state reported. */
        Options options() throws GeneralSecurityException, IOException {
            NatsConfiguration configuration = getConfiguration();
            Options.Builder builder = configuration.createOptions();
            if (configuration.getSslContextParameters() != null && configuration.isSecure()) {
                builder.sslContext(configuration.getSslContextParameters().createSSLContext(getCamelContext()));
            }
            if (ObjectHelper.isNotEmpty(configuration.getCredentialsFilePath())) {
                builder.authHandler(Nats.staticCredentials(ResourceHelper.resolveResource(getCamelContext(), configuration.getCredentialsFilePath())
                        .getInputStream().readAllBytes()));
            }
            return builder.connectionListener(state).build();
        }

        @Override
        public Connection getConnection() throws InterruptedException, GeneralSecurityException, IOException {
            return Nats.connect(options());
        }

        @Override
        public Consumer createConsumer(Processor processor) throws Exception {
            NatsSourceConsumer consumer = getConfiguration().isJetstreamEnabled() ? new JetStreamConsumer(this, processor, inFlight)
                    : new CoreNatsConsumer(this, processor);
            configureConsumer(consumer);
            return consumer;
        }
    }
}

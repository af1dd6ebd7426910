package io.batchpipeline;

import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Properties;

import io.batchpipeline.common.InvalidPropertyException;
import io.batchpipeline.config.InvalidSettingException;
import io.batchpipeline.config.PipelineConfiguration;
import io.batchpipeline.config.Setting;
import org.apache.camel.main.Main;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Starts Camel Main with the pipelines' shared beans. Configuration: the defaults of {@link Setting}, overridden
 * by {@code application.properties} in the working directory, -D and environment variables; routes from
 * {@code routes/}.
 */
public final class BatchPipelineApplication {

    /** Exit code for a configuration that cannot work. */
    public static final int EXIT_INVALID_CONFIGURATION = 2;

    private BatchPipelineApplication() {
    }

    public static Main createMain() {
        Main main = new Main();
        main.configure().addConfiguration(PipelineConfiguration.class);
        Properties defaults = new Properties();
        for (Setting setting : Setting.values()) {
            defaults.setProperty(setting.key(), setting.defaultValue());
        }
        // Camel's observability (what camel-observability-services sets), all following camel.management.enabled
        defaults.setProperty("camel.management.metricsEnabled", "{{camel.management.enabled}}");
        defaults.setProperty("camel.management.healthCheckEnabled", "{{camel.management.enabled}}");
        defaults.setProperty("camel.management.healthPath", "/observe/health");
        defaults.setProperty("camel.metrics.enabled", "{{camel.management.enabled}}");
        defaults.setProperty("camel.metrics.path", "/observe/metrics");
        defaults.setProperty("camel.metrics.binders", "jvm-info,jvm-memory,jvm-gc,jvm-thread,processor,uptime");
        // per exchange it searches every meter: with one record per bus message, a cost per record; routes are timed anyway
        defaults.setProperty("camel.metrics.enableExchangeEventNotifier", "false");
        // exchanges per route, not again for the whole context: each level formats a String per exchange (camel-micrometer
        // 4.17), together a third of a RabbitMQ consumer thread's samples at one record per message
        defaults.setProperty("camel.metrics.routePolicyLevel", "route");
        defaults.setProperty("camel.health.exposure-level", "full");
        defaults.setProperty("camel.main.jmx-enabled", "{{camel.management.enabled}}");
        main.setInitialProperties(defaults);
        main.setDefaultPropertyPlaceholderLocation("file:application.properties;optional=true");
        return main;
    }

    public static void main(String[] args) {
        // libraries that log through java.util.logging (the MQTT client: a SEVERE with a stack trace per lost
        // connection) go to logback, its format and its filters
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        int exitCode;
        Main main = createMain();
        try {
            exitCode = main.run(args);
        } catch (Exception e) {
            // nothing is running: without this, Camel's hangup hook would report the exit as a SIGTERM
            main.getShutdownStrategy().shutdown();
            InvalidSettingException invalid = findInvalidSetting(e);
            if (invalid != null) {
                System.err.println("batch-pipeline: invalid configuration: " + invalid.getMessage());
                exitCode = EXIT_INVALID_CONFIGURATION;
            } else {
                System.err.println("batch-pipeline: failed to start: " + rootMessage(e));
                e.printStackTrace();
                exitCode = 1;
            }
        }
        System.exit(exitCode);
    }

    private static InvalidSettingException findInvalidSetting(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof InvalidSettingException invalid) {
                return invalid;
            }
            if (t instanceof InvalidPropertyException invalid) {
                return new InvalidSettingException(invalid.property(), invalid.problem(), invalid);
            }
            if (t instanceof NoSuchFileException missing) {
                // Camel loads routes before our configuration runs, and reports a missing folder bare
                return new InvalidSettingException("camel.main.routes-include-pattern", Path.of(missing.getFile()).toAbsolutePath()
                        + " does not exist: start the jar from the folder that holds routes/, or point this key at your routes");
            }
        }
        return null;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}

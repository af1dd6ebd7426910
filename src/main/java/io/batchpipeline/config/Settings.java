package io.batchpipeline.config;

import java.util.Properties;
import java.util.function.Function;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed, validated reads of {@link Setting}s, for the application or for one pipeline. Values come from Camel's
 * properties component, so application.properties, -D overrides and environment variables (BATCH_SIZE for
 * batch.size) all apply. Every failure names what the user set: the application key, or the template parameter
 * of the pipeline that gave its own value.
 */
public final class Settings {

    private final Function<Setting, String> value;
    private final Function<Setting, String> name;

    Settings(Function<Setting, String> value, Function<Setting, String> name) {
        this.value = value;
        this.name = name;
    }

    /** The application's keys. */
    public static Settings application(PropertiesComponent properties) {
        return new Settings(s -> resolve(properties, s.key()), Setting::key);
    }

    /**
     * A pipeline's settings while the route template creates it: the template instance's parameters, which
     * default to the application keys ({@code batchSize} to {@code {{batch.size}}}).
     */
    public static Settings pipeline(PropertiesComponent properties, String pipeline) {
        Properties parameters = properties.getLocalProperties();
        return new Settings(
                s -> resolve(properties, given(parameters, s) ? s.parameter() : s.key()),
                s -> given(parameters, s) ? "parameter " + s.parameter() + " of pipeline " + pipeline : s.key());
    }

    /** The pipeline gave its own value, rather than the default that refers to the application key. */
    private static boolean given(Properties parameters, Setting setting) {
        String raw = setting.parameter() == null ? null : parameters.getProperty(setting.parameter());
        return raw != null && !raw.equals("{{" + setting.key() + "}}");
    }

    private static String resolve(PropertiesComponent properties, String key) {
        return properties.resolveProperty(key).isPresent() ? properties.parseUri("{{" + key + "}}") : null;
    }

    public String text(Setting setting) {
        return (String) read(setting);
    }

    public int intValue(Setting setting) {
        return (Integer) read(setting);
    }

    public long longValue(Setting setting) {
        return (Long) read(setting);
    }

    public boolean bool(Setting setting) {
        return (Boolean) read(setting);
    }

    public char character(Setting setting) {
        return (Character) read(setting);
    }

    /** Checks the value against the setting's type. */
    void validate(Setting setting) {
        read(setting);
    }

    private Object read(Setting setting) {
        try {
            return setting.parse(value.apply(setting));
        } catch (IllegalArgumentException e) {
            throw invalid(setting, e.getMessage(), null);
        }
    }

    /** How errors name the setting: its key, or the pipeline's parameter. */
    public String nameOf(Setting setting) {
        return name.apply(setting);
    }

    public InvalidSettingException invalid(Setting setting, String problem, Throwable cause) {
        return new InvalidSettingException(nameOf(setting), problem, cause);
    }
}

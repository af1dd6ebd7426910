package io.batchpipeline.config;

import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

import org.apache.camel.spi.PropertiesComponent;

/**
 * Typed, validated reads of configuration keys. Values come from Camel's properties component, so
 * application.properties, environment variables and -D overrides all apply. Every failure names the key.
 */
public final class Settings {

    private final Function<String, String> lookup;

    public Settings(Function<String, String> lookup) {
        this.lookup = lookup;
    }

    /** Resolves keys as route placeholders do, so -D and environment variables (BATCH_SIZE for batch.size) apply. */
    public static Settings of(PropertiesComponent properties) {
        return new Settings(key -> properties.resolveProperty(key).isPresent() ? properties.parseUri("{{" + key + "}}") : null);
    }

    public String text(String key) {
        String value = lookup.apply(key);
        if (value == null || value.isBlank()) {
            throw new InvalidSettingException(key, "is not set");
        }
        return value.trim();
    }

    /** A value that may be empty; returns "" when unset. */
    public String optional(String key) {
        String value = lookup.apply(key);
        return value == null ? "" : value.trim();
    }

    public int positiveInt(String key) {
        return (int) positive(key, Integer.MAX_VALUE);
    }

    public long positiveLong(String key) {
        return positive(key, Long.MAX_VALUE);
    }

    private long positive(String key, long max) {
        String value = text(key);
        long number;
        try {
            number = Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new InvalidSettingException(key, "'" + value + "' is not a whole number");
        }
        if (number <= 0 || number > max) {
            throw new InvalidSettingException(key, "must be between 1 and " + max + ", was " + number);
        }
        return number;
    }

    /** One of the allowed words, case-insensitive, returned in lower case. */
    public String oneOf(String key, Set<String> allowed) {
        String value = text(key).toLowerCase(Locale.ROOT);
        if (!allowed.contains(value)) {
            throw new InvalidSettingException(key, "unknown value '" + value + "': use one of " + String.join(", ", allowed.stream().sorted().toList()));
        }
        return value;
    }

    public boolean bool(String key) {
        return switch (oneOf(key, Set.of("true", "false"))) {
            case "true" -> true;
            default -> false;
        };
    }

    public char singleChar(String key) {
        String value = lookup.apply(key);
        if (value == null || value.length() != 1) {
            throw new InvalidSettingException(key, "must be exactly one character, was '" + value + "'");
        }
        return value.charAt(0);
    }
}

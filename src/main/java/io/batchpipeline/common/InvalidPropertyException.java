package io.batchpipeline.common;

/**
 * A component's own property has a value that cannot work, e.g. a sink's {@code table}. Components name their own
 * properties; the configuration maps them to the application key or template parameter the user set.
 */
public class InvalidPropertyException extends IllegalArgumentException {

    private final String property;

    public InvalidPropertyException(String property, String problem) {
        super(property + ": " + problem);
        this.property = property;
    }

    public InvalidPropertyException(String property, String problem, Throwable cause) {
        super(property + ": " + problem, cause);
        this.property = property;
    }

    public String property() {
        return property;
    }

    /** The message without the property name in front. */
    public String problem() {
        return getMessage().substring(property.length() + 2);
    }
}

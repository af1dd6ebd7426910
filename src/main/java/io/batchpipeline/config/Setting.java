package io.batchpipeline.config;

import java.util.List;
import java.util.Locale;

/**
 * Every setting, defined once: its application key, the route template parameter that sets it per pipeline
 * (null for an application-wide setting), its type and allowed values, its default and what it means.
 * Validation reads the type from here; the bundled defaults, {@code application.properties}, the template's
 * parameter docs and the README's configuration table are made from, or checked against, this list
 * ({@link SettingsReference}, {@code SettingsReferenceTest}).
 */
public enum Setting {

    CAMEL_NAME(Section.CAMEL, "camel.main.name", null, Type.TEXT, "batch-pipeline", "CamelContext name"),
    ROUTES(Section.CAMEL, "camel.main.routes-include-pattern", null, Type.TEXT, "file:routes/**/*.yaml,file:routes/**/*.xml",
            "where routes are loaded from"),
    SHUTDOWN_TIMEOUT(Section.CAMEL, "camel.main.shutdown-timeout", null, Type.POSITIVE_INT, "45",
            "seconds a graceful stop may take to flush and finish writes"),
    MAX_IDLE_SECONDS(Section.CAMEL, "camel.main.duration-max-idle-seconds", null, Type.NON_NEGATIVE_INT, "0",
            "stop after this many idle seconds; 0: run as a daemon"),
    SENSITIVE_KEYWORDS(Section.CAMEL, "camel.main.additional-sensitive-keywords", null, Type.OPTIONAL, "url",
            "keys the startup log masks besides passwords"),

    SOURCE_URI(Section.SOURCE, "source.uri", "sourceUri", Type.TEXT,
            "file:data/input?move=.done&moveFailed=.error&initialDelay=0&readLock=changed&readLockCheckInterval=1000&readLockMinAge=1000&readLockMinLength=0",
            "endpoint to read from; every pipeline names its own"),
    SOURCE_FORMAT(Section.SOURCE, "source.format", "format", List.of("csv", "jsonl"), "csv",
            "format of a file or message; csv starts with a header"),
    SOURCE_CHARSET(Section.SOURCE, "source.charset", "charset", Type.TEXT, "UTF-8",
            "encoding of files and messages; invalid bytes reject their record"),
    MAX_RECORD_BYTES(Section.SOURCE, "source.max-record-bytes", "maxRecordBytes", Type.POSITIVE_INT, "1048576",
            "longest record in bytes; a longer one is rejected"),
    CSV_DELIMITER(Section.SOURCE, "source.csv.delimiter", "csvDelimiter", Type.CHARACTER, ",", "CSV field delimiter"),
    CSV_MAX_LINES(Section.SOURCE, "source.csv.max-lines-per-record", "csvMaxLinesPerRecord", Type.POSITIVE_INT, "1000",
            "longest CSV record in lines (a stray quote)"),
    METADATA(Section.SOURCE, "source.metadata", "metadata", Type.OPTIONAL, "",
            "message metadata as record fields: name:field,..."),
    SHARED_FOLDER(Section.SOURCE, "source.shared-folder", "sharedFolder", Type.BOOLEAN, "false",
            "several instances read the folder; each file is claimed in the database"),

    BATCH_SIZE(Section.BATCHING, "batch.size", "batchSize", Type.POSITIVE_INT, "1000", "a batch closes at this many records ..."),
    BATCH_MAX_BYTES(Section.BATCHING, "batch.max-bytes", "batchMaxBytes", Type.POSITIVE_INT, "16777216",
            "... or at this much record text (bytes), bounding memory ..."),
    BATCH_TIMEOUT(Section.BATCHING, "batch.timeout", "batchTimeout", Type.POSITIVE_LONG, "1000",
            "... or this many ms after it opened"),
    TIMEOUT_MODE(Section.BATCHING, "batch.timeout-mode", "timeoutMode", List.of("max-age", "inactivity"), "max-age",
            "timeout from the first record, or from the latest"),
    TIMEOUT_CHECK_INTERVAL(Section.BATCHING, "batch.timeout-check-interval", "timeoutCheckInterval", Type.POSITIVE_LONG, "10",
            "ms between timeout checks"),
    WRITERS(Section.BATCHING, "batch.writers", "writers", Type.POSITIVE_INT, "4", "parallel writers"),
    QUEUE_CAPACITY(Section.BATCHING, "batch.queue-capacity", "queueCapacity", Type.POSITIVE_INT, "4",
            "closed batches waiting for a writer before the source waits"),

    DURABLE(Section.DURABLE, "batch.durable", "durable", Type.BOOLEAN, "false",
            "store records in a table from read until written"),
    DURABLE_JDBC_URL(Section.DURABLE, "batch.durable.jdbc-url", "durableJdbcUrl", Type.OPTIONAL, "",
            "the buffer's database; empty: the JDBC sink's"),
    DURABLE_JDBC_USERNAME(Section.DURABLE, "batch.durable.jdbc-username", "durableJdbcUsername", Type.OPTIONAL, "", "its user"),
    DURABLE_JDBC_PASSWORD(Section.DURABLE, "batch.durable.jdbc-password", "durableJdbcPassword", Type.OPTIONAL, "", "its password"),
    RECOVERY_INTERVAL(Section.DURABLE, "batch.durable.recovery-interval", "recoveryInterval", Type.POSITIVE_LONG, "5000",
            "ms between looks for stored batches to retry"),

    INSTANCE_NAME(Section.INSTANCES, "instance.name", "instanceName", Type.OPTIONAL, "",
            "this instance's name, unique; empty: host:working directory"),
    INSTANCE_LEASE(Section.INSTANCES, "instance.lease", "instanceLease", Type.POSITIVE_LONG, "30000",
            "ms after its last renewal before others take over its work"),

    SINK_TYPE(Section.SINK, "sink.type", "sinkType", List.of("jdbc", "file", "bean"), "jdbc",
            "where batches go; bean: your own BatchSink"),
    SINK_BEAN(Section.SINK, "sink.bean", "sinkBean", Type.OPTIONAL, "", "the BatchSink bean's name"),
    PASS_THROUGH(Section.SINK, "sink.pass-through", "passThrough", Type.BOOLEAN, "true",
            "CSV goes unparsed to COPY or to CSV files"),
    RETRY_MAX_ATTEMPTS(Section.SINK, "sink.retry.max-attempts", "retryMaxAttempts", Type.POSITIVE_INT, "20",
            "failures logged before the sink is reported down; retried until back"),
    RETRY_INITIAL_DELAY(Section.SINK, "sink.retry.initial-delay", "retryInitialDelay", Type.POSITIVE_LONG, "100",
            "ms before the first retry; doubles"),
    RETRY_MAX_DELAY(Section.SINK, "sink.retry.max-delay", "retryMaxDelay", Type.POSITIVE_LONG, "10000",
            "longest wait between retries, ms"),

    JDBC_URL(Section.JDBC, "sink.jdbc.url", "jdbcUrl", Type.TEXT, "jdbc:h2:file:./data/h2/batch-pipeline", "H2, PostgreSQL or MariaDB"),
    JDBC_USERNAME(Section.JDBC, "sink.jdbc.username", "jdbcUsername", Type.OPTIONAL, "sa", "database user"),
    JDBC_PASSWORD(Section.JDBC, "sink.jdbc.password", "jdbcPassword", Type.OPTIONAL, "", "database password"),
    TABLE(Section.JDBC, "sink.jdbc.table", "table", Type.TEXT, "orders", "table or schema.table; must exist"),
    MODE(Section.JDBC, "sink.jdbc.mode", "mode", List.of("insert", "upsert"), "insert", "upsert replaces rows by key"),
    KEY_COLUMNS(Section.JDBC, "sink.jdbc.key-columns", "keyColumns", Type.OPTIONAL, "id",
            "upsert key: a primary key or unique index"),
    VERSION_COLUMN(Section.JDBC, "sink.jdbc.version-column", "versionColumn", Type.OPTIONAL, "",
            "upsert: only a greater value here replaces a row; empty: the last wins"),
    COLUMNS(Section.JDBC, "sink.jdbc.columns", "columns", Type.OPTIONAL, "",
            "columns to write; empty: those the records carry"),
    POOL_SIZE(Section.JDBC, "sink.jdbc.pool-size", "poolSize", Type.POSITIVE_INT, "5",
            "pool size; more than writers when durable"),
    COPY(Section.JDBC, "sink.jdbc.copy", "copy", Type.BOOLEAN, "true", "PostgreSQL: COPY, else executeBatch"),
    INIT_SCRIPT(Section.JDBC, "sink.jdbc.init-script", "initScript", Type.OPTIONAL, "sql/orders.sql",
            "SQL script run at startup; empty: none"),

    FILE_DIRECTORY(Section.FILE, "sink.file.directory", "fileDirectory", Type.TEXT, "data/output", "where batch files go"),
    FILE_FORMAT(Section.FILE, "sink.file.format", "fileFormat", List.of("csv", "ndjson"), "csv", "batch file format"),
    FILE_COLUMNS(Section.FILE, "sink.file.columns", "fileColumns", Type.OPTIONAL, "",
            "CSV columns in order; empty: the records' fields"),
    FILE_PREFIX(Section.FILE, "sink.file.prefix", "filePrefix", Type.TEXT, "batch", "batch file name prefix"),

    FIELD_MAP(Section.TRANSFORM, "transform.field-map", "fieldMap", Type.OPTIONAL, "",
            "renames: field:column,..."),
    DEAD_LETTER_URI(Section.DEAD_LETTERS, "deadletter.uri", "deadLetterUri", Type.TEXT,
            "file:data/deadletter?fileName=rejected-${date:now:yyyyMMdd}.jsonl&fileExist=Append",
            "endpoint for rejected records, a JSON line each"),
    MANAGEMENT_ENABLED(Section.OBSERVABILITY, "camel.management.enabled", null, Type.BOOLEAN, "true",
            "health, Prometheus metrics and JMX; false turns them all off"),
    MANAGEMENT_PORT(Section.OBSERVABILITY, "camel.management.port", null, Type.POSITIVE_INT, "9876",
            "port of /observe/health and /observe/metrics"),
    PROGRESS_INTERVAL(Section.OBSERVABILITY, "observability.progress-interval", null, Type.NON_NEGATIVE_INT, "10000",
            "ms between progress lines while records move; 0: none"),
    MAX_BUFFERED_BATCHES(Section.OBSERVABILITY, "observability.readiness.max-buffered-batches", null, Type.NON_NEGATIVE_INT, "10000",
            "readiness DOWN above this many buffered batches; 0: off"),
    MAX_WRITE_TIME(Section.OBSERVABILITY, "observability.liveness.max-write-time", null, Type.POSITIVE_LONG, "600000",
            "liveness DOWN when one write runs longer, ms"),
    EXAMPLES_DIR(Section.EXAMPLES, "examples.dir", null, Type.TEXT, "data/examples", "folder of the example pipelines");

    /** How the settings are grouped in application.properties and the README. */
    public enum Section {
        CAMEL("Camel Main"), SOURCE("Source"), BATCHING("Batching"), DURABLE("Durable buffer"), INSTANCES("Several instances"), SINK("Sink"), JDBC("JDBC sink"),
        FILE("File sink"), TRANSFORM("Transform"), DEAD_LETTERS("Dead letters"), OBSERVABILITY("Observability"),
        EXAMPLES("Examples");

        private final String title;

        Section(String title) {
            this.title = title;
        }

        public String title() {
            return title;
        }
    }

    private final Section section;
    private final String key;
    private final String parameter;
    private final Type type;
    private final List<String> choices;
    private final String defaultValue;
    private final String description;

    Setting(Section section, String key, String parameter, Type type, String defaultValue, String description) {
        this(section, key, parameter, type, type == Type.BOOLEAN ? List.of("true", "false") : List.of(), defaultValue, description);
    }

    Setting(Section section, String key, String parameter, List<String> choices, String defaultValue, String description) {
        this(section, key, parameter, Type.CHOICE, choices, defaultValue, description);
    }

    Setting(Section section, String key, String parameter, Type type, List<String> choices, String defaultValue, String description) {
        this.section = section;
        this.key = key;
        this.parameter = parameter;
        this.type = type;
        this.choices = choices;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    public Section section() {
        return section;
    }

    public String key() {
        return key;
    }

    /** The route template parameter that sets this per pipeline; null for an application-wide setting. */
    public String parameter() {
        return parameter;
    }

    /**
     * A pipeline must name its own source: a parameter without a default, so that two pipelines never read one
     * folder by accident. Every other parameter defaults to its application key.
     */
    public boolean requiredParameter() {
        return this == SOURCE_URI;
    }

    public Type type() {
        return type;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** What a value must look like. */
    public enum Type {
        TEXT, OPTIONAL, POSITIVE_INT, POSITIVE_LONG, NON_NEGATIVE_INT, BOOLEAN, CHARACTER, CHOICE
    }

    /** The values a {@link Type#CHOICE} or {@link Type#BOOLEAN} setting allows; empty for the others. */
    public List<String> choices() {
        return choices;
    }

    /**
     * The value as Java sees it: String, Integer, Long, Boolean or Character.
     *
     * @throws IllegalArgumentException saying what is wrong, for a message that names the setting
     */
    Object parse(String value) {
        if (type == Type.OPTIONAL) {
            return value == null ? "" : value.trim();
        }
        if (type == Type.CHARACTER) {
            if (value == null || value.length() != 1) {
                throw new IllegalArgumentException("must be exactly one character, was '" + value + "'");
            }
            return value.charAt(0);
        }
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("is not set");
        }
        String text = value.trim();
        return switch (type) {
            case POSITIVE_INT -> (int) number(text, 1, Integer.MAX_VALUE);
            case POSITIVE_LONG -> number(text, 1, Long.MAX_VALUE);
            case NON_NEGATIVE_INT -> (int) number(text, 0, Integer.MAX_VALUE);
            case BOOLEAN -> Boolean.valueOf(choice(text));
            case CHOICE -> choice(text);
            default -> text;
        };
    }

    private String choice(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        if (!choices.contains(lower)) {
            throw new IllegalArgumentException("unknown value '" + text + "': use one of " + String.join(", ", choices));
        }
        return lower;
    }

    private static long number(String text, long min, long max) {
        long number;
        try {
            number = Long.parseLong(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a whole number");
        }
        if (number < min || number > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max + ", was " + number);
        }
        return number;
    }
}

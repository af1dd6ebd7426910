package io.batchpipeline.observability;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;

/**
 * A logback filter that lets a message through once per interval (per logger and text, numbers aside), for libraries
 * that log every retry of the same failure: a bus consumer that cannot connect logs an ERROR with a stack trace every
 * few seconds, naming a new consumer object each time.
 * Logback's own DuplicateMessageFilter is a turbo filter for all loggers, keyed on the unformatted message, so it
 * would also silence the pipeline's own lines that share a pattern.
 */
public final class OncePerInterval extends Filter<ILoggingEvent> {

    private static final int MAX_REMEMBERED = 1000;
    /** Identity hashes, tags, counters: what differs between two retries of one failure. */
    private static final Pattern NUMBERS = Pattern.compile("\\b[0-9a-f]*[0-9][0-9a-f]*\\b");

    private final ConcurrentHashMap<String, Long> lastLogged = new ConcurrentHashMap<>();
    private long intervalMillis = TimeUnit.MINUTES.toMillis(10);

    /** Set from logback.xml: {@code <minutes>10</minutes>}. */
    public void setMinutes(long minutes) {
        this.intervalMillis = TimeUnit.MINUTES.toMillis(minutes);
    }

    @Override
    public FilterReply decide(ILoggingEvent event) {
        long now = event.getTimeStamp();
        if (lastLogged.size() > MAX_REMEMBERED) {
            lastLogged.clear();
        }
        String key = event.getLoggerName() + '\n' + NUMBERS.matcher(event.getFormattedMessage()).replaceAll("#");
        Long last = lastLogged.get(key);
        if (last != null && now - last < intervalMillis) {
            return FilterReply.DENY;
        }
        lastLogged.put(key, now);
        return FilterReply.NEUTRAL;
    }
}

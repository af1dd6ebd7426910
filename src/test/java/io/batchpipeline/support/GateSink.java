package io.batchpipeline.support;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import io.batchpipeline.record.Row;
import io.batchpipeline.sink.BatchSink;
import io.batchpipeline.record.ParsedRecord;
import io.batchpipeline.record.SourceRecord;

/** A deliberately slow sink: every write waits until the test opens the gate, and counts who is inside. */
public class GateSink implements BatchSink<ParsedRecord> {

    private final CountDownLatch gate = new CountDownLatch(1);
    private final AtomicInteger inside = new AtomicInteger();
    private final AtomicInteger maxInside = new AtomicInteger();
    private final AtomicLong rows = new AtomicLong();

    @Override
    public Row<ParsedRecord> convert(SourceRecord record, ParsedRecord fields) {
        return new Row<>(fields, record);
    }

    @Override
    public void write(List<Row<ParsedRecord>> batch) throws InterruptedException {
        maxInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
        try {
            if (!gate.await(60, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never opened the gate");
            }
            rows.addAndGet(batch.size());
        } finally {
            inside.decrementAndGet();
        }
    }

    public void open() {
        gate.countDown();
    }

    public int maxInside() {
        return maxInside.get();
    }

    public long rows() {
        return rows.get();
    }

    @Override
    public String describe() {
        return "gate";
    }
}

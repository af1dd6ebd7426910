package io.batchpipeline.observability;

/** How much a durable buffer holds: batches stored and not yet written, their records, and the oldest one's age. */
public interface BufferDepth {

    /** No durable buffer: nothing is held. */
    BufferDepth NONE = () -> Depth.EMPTY;

    /** The latest known depth; never waits for the database. */
    Depth depth();

    record Depth(long batches, long records, long oldestAgeMillis) {
        public static final Depth EMPTY = new Depth(0, 0, 0);
    }
}

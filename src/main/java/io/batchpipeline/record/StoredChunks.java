package io.batchpipeline.record;

import java.util.concurrent.CompletableFuture;

/**
 * The chunks of a batch, or of a source, that the durable buffer stores in the background: completes once every one
 * handed to it is stored, and fails if one cannot be (a later chunk may be stored although an earlier one failed).
 */
public final class StoredChunks {

    private CompletableFuture<Void> all = CompletableFuture.completedFuture(null);

    /** One more chunk on its way into the buffer. */
    public synchronized void add(CompletableFuture<Void> chunk) {
        all = all.thenCombine(chunk, (earlier, later) -> null);
    }

    /** Completes once every chunk added so far is stored: at once when none was. */
    public synchronized CompletableFuture<Void> all() {
        return all;
    }
}

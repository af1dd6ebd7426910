package io.batchpipeline.source;

/** What the open batch can still take: the reader cuts each chunk to fit, so a batch closes at its bounds exactly. */
public interface BatchRoom {

    /** Records the open batch can still take. */
    int records();

    /** Characters of record text the open batch can still take; a chunk always takes at least one record. */
    long characters();
}

package io.batchpipeline.config;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The pipelines of this process by name (route id), each registered by the route template that created it. */
public final class Pipelines {

    private final Map<String, Pipeline> pipelines = new ConcurrentHashMap<>();

    void add(String name, Pipeline pipeline) {
        pipelines.put(name, pipeline);
    }

    /** The pipeline of that name, or null. */
    public Pipeline of(String name) {
        return pipelines.get(name);
    }
}

package io.batchpipeline.observability;

import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The stats of every pipeline in this process, by pipeline (route) id. Bound in the registry as {@code pipelineStats}. */
public class PipelineRegistry {

    private final Map<String, PipelineStats> pipelines = new ConcurrentHashMap<>();

    public PipelineStats of(String pipeline) {
        return pipelines.computeIfAbsent(pipeline, PipelineStats::new);
    }

    public Collection<PipelineStats> all() {
        return pipelines.values();
    }

}

package io.batchpipeline.source;

import java.io.File;
import java.util.List;

import io.batchpipeline.common.Errors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.file.FileComponent;
import org.apache.camel.component.file.GenericFile;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.GenericFileOnCompletion;
import org.apache.camel.spi.Synchronization;
import org.apache.camel.spi.UnitOfWork;
import org.apache.camel.support.DefaultExchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a file in its input folder when its exchange fails because the pipeline is stopping: a stop that times out
 * interrupts the source while it waits for room in a full hand-off (the sink down, say), and Camel's file consumer
 * would then treat the file as failed and apply {@code moveFailed}. Its records are not bad, only unwritten, so it
 * stays where it is and is read again at the next start (resuming after its stored records, with a durable buffer).
 *
 * <p>Wraps the file consumer's own completion, which no option of it can change; every other outcome is left to it.
 * Keeping the file means what Camel's abort does: release the read lock (the marker file, when the lock took one)
 * and forget that the file is in progress, without moving it.
 */
final class FileKeptOnStop implements Synchronization {

    private static final Logger LOG = LoggerFactory.getLogger(FileKeptOnStop.class);

    private final Synchronization fileCompletion;

    private FileKeptOnStop(Synchronization fileCompletion) {
        this.fileCompletion = fileCompletion;
    }

    /** Wraps the completion of a file exchange's consumer; any other exchange is left as it is. */
    static void install(Exchange exchange) {
        UnitOfWork unitOfWork = exchange.getUnitOfWork();
        if (!(exchange.getFromEndpoint() instanceof GenericFileEndpoint<?>) || unitOfWork == null) {
            return;
        }
        // the unit of work lists its completions only by handing them over; they come back in the same order
        Exchange holder = new DefaultExchange(exchange.getContext());
        unitOfWork.handoverSynchronization(holder);
        List<Synchronization> completions = holder.getExchangeExtension().handoverCompletions();
        if (completions == null) {
            return;
        }
        for (Synchronization completion : completions) {
            unitOfWork.addSynchronization(completion instanceof GenericFileOnCompletion<?> ? new FileKeptOnStop(completion) : completion);
        }
    }

    @Override
    public void onComplete(Exchange exchange) {
        fileCompletion.onComplete(exchange);
    }

    @Override
    public void onFailure(Exchange exchange) {
        if (!stopping(exchange)) {
            fileCompletion.onFailure(exchange);
            return;
        }
        GenericFile<?> file = exchange.getProperty(FileComponent.FILE_EXCHANGE_FILE, GenericFile.class);
        releaseMarkerFile(exchange, file);
        ((GenericFileEndpoint<?>) exchange.getFromEndpoint()).getInProgressRepository().remove(file.getAbsoluteFilePath());
        LOG.warn("{}: the pipeline stopped before all its records were written ({}); the file stays in the input folder "
                + "and is read again at the next start", file.getFileName(), Errors.describe(exchange.getException()));
    }

    private static boolean stopping(Exchange exchange) {
        CamelContext context = exchange.getContext();
        ServiceStatus route = context.getRouteController().getRouteStatus(exchange.getFromRouteId());
        return context.isStopping() || route == null || route.isStopping() || route.isStopped();
    }

    /** As Camel's marker-file read lock releases it, from the lock the exchange records it took. */
    private static void releaseMarkerFile(Exchange exchange, GenericFile<?> file) {
        String path = file.getCopyFromAbsoluteFilePath() != null ? file.getCopyFromAbsoluteFilePath() : file.getAbsoluteFilePath();
        if (exchange.getProperty(path + "-" + Exchange.FILE_LOCK_FILE_ACQUIRED, false, Boolean.class)) {
            String marker = exchange.getProperty(path + "-" + Exchange.FILE_LOCK_FILE_NAME, String.class);
            if (marker != null && !new File(marker).delete() && new File(marker).exists()) {
                LOG.warn("could not delete the read lock {}; Camel deletes such orphans at the next start", marker);
            }
        }
    }
}

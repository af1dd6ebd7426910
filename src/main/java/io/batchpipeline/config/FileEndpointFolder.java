package io.batchpipeline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongSupplier;
import java.util.stream.Stream;

/**
 * Checks at startup the folder of a {@code file:} endpoint a pipeline reads from or writes dead letters to, so
 * that a folder that cannot work stops startup naming the setting, rather than showing only once files are read
 * or after the good records of a file are written. Other endpoints are Camel's to check.
 */
final class FileEndpointFolder {

    private FileEndpointFolder() {
    }

    /**
     * Files waiting in the folder a {@code file:} endpoint reads (not hidden, not yet moved to .done): a file
     * source's lag. Null for other endpoints, which know their own.
     */
    static LongSupplier waitingFiles(Settings settings, Setting setting) {
        Path folder = folder(settings.text(setting));
        if (folder == null) {
            return null;
        }
        return () -> {
            try (Stream<Path> files = Files.list(folder)) {
                return files.filter(f -> !f.getFileName().toString().startsWith(".") && Files.isRegularFile(f)).count();
            } catch (IOException e) {
                return 0;
            }
        };
    }

    /** The folder of a {@code file:} URI, or null for other URIs. */
    private static Path folder(String uri) {
        if (!uri.startsWith("file:")) {
            return null;
        }
        String path = uri.substring("file:".length()).replaceFirst("^//", "");
        int options = path.indexOf('?');
        return Path.of(options >= 0 ? path.substring(0, options) : path);
    }

    /** @param write the pipeline writes there (dead letters), so the folder must exist or be creatable, and be writable */
    static void require(Settings settings, Setting setting, boolean write) {
        Path folder = folder(settings.text(setting));
        if (folder == null) {
            return;
        }
        if (Files.exists(folder) && !Files.isDirectory(folder)) {
            throw settings.invalid(setting, folder.toAbsolutePath() + " is a file, not a folder", null);
        }
        if (write) {
            try {
                Files.createDirectories(folder);
            } catch (IOException e) {
                throw settings.invalid(setting, "cannot create the folder " + folder.toAbsolutePath() + ": " + e, e);
            }
            if (!Files.isWritable(folder)) {
                throw settings.invalid(setting, "cannot write to " + folder.toAbsolutePath(), null);
            }
        } else if (Files.isDirectory(folder) && !Files.isReadable(folder)) {
            throw settings.invalid(setting, "cannot read " + folder.toAbsolutePath(), null);
        }
    }
}

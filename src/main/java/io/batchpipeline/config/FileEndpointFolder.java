package io.batchpipeline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks at startup the folder of a {@code file:} endpoint a pipeline reads from or writes dead letters to, so
 * that a folder that cannot work stops startup naming the setting, rather than showing only once files are read
 * or after the good records of a file are written. Other endpoints are Camel's to check.
 */
final class FileEndpointFolder {

    private FileEndpointFolder() {
    }

    /** @param write the pipeline writes there (dead letters), so the folder must exist or be creatable, and be writable */
    static void require(Settings settings, Setting setting, boolean write) {
        String uri = settings.text(setting);
        if (!uri.startsWith("file:")) {
            return;
        }
        String path = uri.substring("file:".length()).replaceFirst("^//", "");
        int options = path.indexOf('?');
        Path folder = Path.of(options >= 0 ? path.substring(0, options) : path);
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

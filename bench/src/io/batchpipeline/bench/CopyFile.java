package io.batchpipeline.bench;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;

import org.postgresql.PGConnection;

/**
 * The client-side limit: the whole CSV file streamed through pgjdbc's CopyManager in one COPY.
 * Arguments: file, JDBC URL, user, password.
 */
public final class CopyFile {

    private CopyFile() {
    }

    public static void main(String[] args) throws Exception {
        try (Connection connection = DriverManager.getConnection(args[1], args[2], args[3]);
             Reader in = Files.newBufferedReader(Path.of(args[0]), StandardCharsets.UTF_8)) {
            long rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn(
                    "COPY bench_orders (" + BenchData.COLUMNS + ") FROM STDIN WITH (FORMAT csv, HEADER true)", in, 1 << 16);
            System.out.println("copied " + rows);
        }
    }
}

package io.batchpipeline.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.batchpipeline.jdbc.Transactions;

/** The optional schema script a JDBC pipeline runs at startup: statements separated by a semicolon at the end of a line. */
final class InitScript {

    private final String script;
    private final String setting;

    /** @param setting how errors name the setting that gave the script */
    InitScript(String script, String setting) {
        this.script = script;
        this.setting = setting;
    }

    void run(DataSource dataSource) {
        if (script.isEmpty()) {
            return;
        }
        String sql;
        try {
            sql = Files.readString(Path.of(script));
        } catch (IOException e) {
            throw new InvalidSettingException(setting, "cannot read " + Path.of(script).toAbsolutePath() + ": " + e.getMessage(), e);
        }
        try {
            // instances starting together run it together: it must be repeatable, and a loser of a race runs it again
            Transactions.schemaChange(dataSource, connection -> {
                try (Statement statement = connection.createStatement()) {
                    for (String part : sql.split(";\\s*(\\r?\\n|$)")) {
                        String stripped = part.lines().filter(l -> !l.trim().startsWith("--")).reduce("", (a, b) -> a + b + "\n").trim();
                        if (!stripped.isEmpty()) {
                            statement.execute(stripped);
                        }
                    }
                }
                return null;
            });
        } catch (SQLException e) {
            throw new InvalidSettingException(setting, script + " failed: " + e.getMessage(), e);
        }
    }
}

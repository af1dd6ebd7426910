package io.batchpipeline.coordination;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

import javax.sql.DataSource;

import io.batchpipeline.common.Digests;
import io.batchpipeline.common.Errors;
import io.batchpipeline.jdbc.SqlDialect;
import io.batchpipeline.jdbc.Transactions;
import org.apache.camel.Endpoint;
import org.apache.camel.component.file.FileEndpoint;
import org.apache.camel.spi.IdempotentRepository;
import org.apache.camel.support.service.ServiceSupport;
import org.apache.camel.util.URISupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which instance reads which file of a folder that several instances share. Camel's file consumer asks for a claim
 * before it reads a file ({@code readLock=idempotent-changed}), and gives it back a few seconds after the file is done.
 * A claim is a row in {@code batch_pipeline_file_claims}, valid for a lease that its holder renews; a file whose
 * holder died is claimed again once that lapses. Both ways of claiming are one statement that only one instance can
 * win: an INSERT on the primary key, or an UPDATE conditional on the lapsed lease (in the database's clock).
 *
 * <p>Written here rather than taken from camel-sql: its {@code JdbcOrphanLockAwareIdempotentRepository} takes over an
 * orphaned lock with an unconditional UPDATE, so that two survivors both win it, and its table has no key, so that
 * two first claims both win too; it also compares timestamps from each machine's own clock.
 */
public final class FileClaims extends ServiceSupport implements IdempotentRepository {

    private static final Logger LOG = LoggerFactory.getLogger(FileClaims.class);

    static final String TABLE = "batch_pipeline_file_claims";
    /** How long a finished file stays claimed, so that an instance that listed it before it moved cannot claim it. */
    static final int RELEASE_DELAY_MILLIS = 5000;

    private final String pipeline;
    private final String owner;
    private final DataSource dataSource;
    private final long leaseMillis;
    private Renewal renewal;

    public FileClaims(String pipeline, String owner, DataSource dataSource, long leaseMillis) {
        this.pipeline = pipeline;
        this.owner = owner;
        this.dataSource = dataSource;
        this.leaseMillis = leaseMillis;
    }

    /** Makes the file endpoint claim each file here before reading it. */
    public void claimFilesOf(Endpoint endpoint) {
        if (!(endpoint instanceof FileEndpoint file)) {
            throw new IllegalArgumentException("only a file: source can share its folder, not " + URISupport.sanitizeUri(endpoint.getEndpointUri()));
        }
        file.setReadLock("idempotent-changed"); // claimed, and unchanged for readLockMinAge as before
        file.setIdempotentRepository(this);
        // the file's name under the folder: the same for every instance, wherever each mounts the folder
        file.setIdempotentKey(file.getCamelContext().resolveLanguage("simple").createExpression("${file:name}"));
        file.setReadLockRemoveOnCommit(true);
        file.setReadLockRemoveOnRollback(true);
        file.setReadLockIdempotentReleaseDelay(RELEASE_DELAY_MILLIS);
        file.setReadLockIdempotentReleaseAsync(true);
        LOG.info("Pipeline {}: {} is shared; {} claims each file in the database before reading it (readLock=idempotent-changed)",
                pipeline, URISupport.sanitizeUri(file.getEndpointUri()), owner);
    }

    /** Creates the table when missing. */
    public void createTable() throws SQLException {
        Transactions.schemaChange(dataSource, connection -> {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (pipeline VARCHAR(200) NOT NULL, file_key CHAR(64) NOT NULL, "
                        + "file_name " + SqlDialect.of(connection).textType() + " NOT NULL, owner VARCHAR(100) NOT NULL, "
                        + "claimed_until BIGINT NOT NULL, PRIMARY KEY (pipeline, file_key))");
            }
            return null;
        });
    }

    /** Claims of an earlier run of this instance are void: their files are done, or back in the folder. */
    @Override
    protected void doStart() throws Exception {
        Transactions.inTransaction(dataSource, this::dropOwnClaims);
        renewal = new Renewal("the file claims of " + owner + " for pipeline " + pipeline,
                "other instances read its files again", leaseMillis, () -> Transactions.inTransaction(dataSource, this::renewOwnClaims));
    }

    @Override
    protected void doStop() throws Exception {
        if (renewal != null) {
            renewal.close();
        }
        Transactions.inTransaction(dataSource, this::dropOwnClaims);
    }

    @Override
    public boolean add(String fileName) {
        String key = key(fileName);
        try {
            try {
                Transactions.inTransaction(dataSource, connection -> insertClaim(connection, key, fileName));
                return true;
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("23")) {
                    throw e;
                }
            }
            // claimed already: by a live instance, or by one that stopped renewing its claim
            if (Transactions.inTransaction(dataSource, connection -> takeLapsedClaim(connection, key)) == 0) {
                return false;
            }
            LOG.info("Pipeline {}: {} was claimed by an instance that stopped renewing its claim; {} reads it now", pipeline, fileName, owner);
            return true;
        } catch (SQLException e) {
            LOG.warn("Pipeline {}: cannot claim {}; it is left for a later poll: {}", pipeline, fileName, Errors.describe(e));
            return false;
        }
    }

    private int insertClaim(Connection connection, String key, String fileName) throws SQLException {
        try (PreparedStatement insert = connection.prepareStatement("INSERT INTO " + TABLE + " (pipeline, file_key, file_name, owner, "
                + "claimed_until) VALUES (?, ?, ?, ?, " + SqlDialect.of(connection).epochMillis() + " + ?)")) {
            insert.setString(1, pipeline);
            insert.setString(2, key);
            insert.setString(3, fileName);
            insert.setString(4, owner);
            insert.setLong(5, leaseMillis);
            return insert.executeUpdate();
        }
    }

    private int takeLapsedClaim(Connection connection, String key) throws SQLException {
        String now = SqlDialect.of(connection).epochMillis();
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE + " SET owner = ?, claimed_until = " + now
                + " + ? WHERE pipeline = ? AND file_key = ? AND claimed_until < " + now)) {
            update.setString(1, owner);
            update.setLong(2, leaseMillis);
            update.setString(3, pipeline);
            update.setString(4, key);
            return update.executeUpdate();
        }
    }

    @Override
    public boolean contains(String fileName) {
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                try (PreparedStatement select = connection.prepareStatement("SELECT 1 FROM " + TABLE
                        + " WHERE pipeline = ? AND file_key = ? AND claimed_until >= " + SqlDialect.of(connection).epochMillis())) {
                    select.setString(1, pipeline);
                    select.setString(2, key(fileName));
                    try (ResultSet rs = select.executeQuery()) {
                        return rs.next();
                    }
                }
            });
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read the claim on " + fileName + ": " + Errors.describe(e), e);
        }
    }

    @Override
    public boolean remove(String fileName) {
        try {
            return Transactions.inTransaction(dataSource, connection -> {
                try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE
                        + " WHERE pipeline = ? AND file_key = ? AND owner = ?")) {
                    delete.setString(1, pipeline);
                    delete.setString(2, key(fileName));
                    delete.setString(3, owner);
                    return delete.executeUpdate() > 0;
                }
            });
        } catch (SQLException e) {
            // harmless: the claim lapses unrenewed
            LOG.warn("Pipeline {}: cannot give back the claim on {}; it lapses in {} ms: {}", pipeline, fileName, leaseMillis, Errors.describe(e));
            return false;
        }
    }

    @Override
    public boolean confirm(String fileName) {
        return true;
    }

    @Override
    public void clear() {
        try {
            Transactions.inTransaction(dataSource, this::dropOwnClaims);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot give back the file claims of " + owner + ": " + Errors.describe(e), e);
        }
    }

    private Void renewOwnClaims(Connection connection) throws SQLException {
        try (PreparedStatement update = connection.prepareStatement("UPDATE " + TABLE + " SET claimed_until = "
                + SqlDialect.of(connection).epochMillis() + " + ? WHERE pipeline = ? AND owner = ?")) {
            update.setLong(1, leaseMillis);
            update.setString(2, pipeline);
            update.setString(3, owner);
            update.executeUpdate();
        }
        return null;
    }

    private Void dropOwnClaims(Connection connection) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + TABLE + " WHERE pipeline = ? AND owner = ?")) {
            delete.setString(1, pipeline);
            delete.setString(2, owner);
            delete.executeUpdate();
        }
        return null;
    }

    private static String key(String fileName) {
        return Digests.sha256Hex(fileName);
    }

    @Override
    public String toString() {
        return "file claims of " + owner + " for pipeline " + pipeline;
    }
}

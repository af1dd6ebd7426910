package io.batchpipeline.coordination;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import com.zaxxer.hikari.HikariDataSource;
import io.batchpipeline.jdbc.DataSources;
import io.batchpipeline.support.Databases;
import io.batchpipeline.support.TestPostgres;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Claims on the files of a shared folder, in a real PostgreSQL: one holder per file, and a dead holder's files taken once. */
class FileClaimsTest {

    private HikariDataSource dataSource;
    private final List<FileClaims> instances = new ArrayList<>();

    @BeforeEach
    void start() throws Exception {
        dataSource = DataSources.create(TestPostgres.url(), "postgres", "", 8);
        Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + FileClaims.TABLE);
    }

    @AfterEach
    void stop() {
        instances.forEach(FileClaims::stop);
        dataSource.close();
    }

    @Test
    void aFileHeldByOneInstanceIsRefusedToAnotherUntilGivenBack() throws Exception {
        FileClaims a = instance("a");
        FileClaims b = instance("b");

        assertThat(a.add("orders-1.csv")).isTrue();
        assertThat(b.add("orders-1.csv")).isFalse();
        assertThat(b.add("orders-2.csv")).isTrue();
        assertThat(b.remove("orders-1.csv")).as("only its holder gives a claim back").isFalse();
        assertThat(a.contains("orders-1.csv")).isTrue();

        assertThat(a.remove("orders-1.csv")).isTrue();
        assertThat(b.add("orders-1.csv")).isTrue();
    }

    @Test
    void aLapsedClaimGoesToExactlyOneOfTheInstancesAskingAtOnce() throws Exception {
        instance("dead").add("orders.csv");
        Databases.execute(TestPostgres.url(), "postgres", "", "UPDATE " + FileClaims.TABLE + " SET claimed_until = 0");
        List<FileClaims> survivors = List.of(instance("s1"), instance("s2"), instance("s3"), instance("s4"));

        ExecutorService threads = Executors.newFixedThreadPool(survivors.size());
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Boolean>> answers = new ArrayList<>();
        for (FileClaims survivor : survivors) {
            answers.add(threads.submit((Callable<Boolean>) () -> {
                go.await();
                return survivor.add("orders.csv");
            }));
        }
        go.countDown();
        int winners = 0;
        for (Future<Boolean> answer : answers) {
            winners += answer.get() ? 1 : 0;
        }
        threads.shutdown();

        assertThat(winners).isEqualTo(1);
    }

    @Test
    void aStoppingInstanceGivesBackItsClaimsAndARestartedOneDropsThoseOfItsEarlierRun() throws Exception {
        FileClaims a = instance("a");
        a.add("kept-on-stop.csv");
        a.stop();
        assertThat(instance("b").add("kept-on-stop.csv")).isTrue();

        FileClaims c = instance("c");
        c.add("held-when-killed.csv");
        Databases.execute(TestPostgres.url(), "postgres", "", "UPDATE " + FileClaims.TABLE + " SET owner = 'c-before-the-kill' WHERE owner = 'c'");
        FileClaims restarted = instance("c-before-the-kill");
        assertThat(restarted.add("held-when-killed.csv")).isTrue();
    }

    @Test
    void instancesStartingTogetherAllCreateTheTable() throws Exception {
        // PostgreSQL fails one of two CREATE TABLE IF NOT EXISTS racing for a new table; the loser runs it again
        ExecutorService threads = Executors.newFixedThreadPool(4);
        for (int round = 0; round < 5; round++) {
            Databases.execute(TestPostgres.url(), "postgres", "", "DROP TABLE IF EXISTS " + FileClaims.TABLE);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<?>> creations = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                FileClaims claims = new FileClaims("orders-pipeline", "i" + i, dataSource, 30_000);
                creations.add(threads.submit((Callable<Void>) () -> {
                    go.await();
                    claims.createTable();
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> creation : creations) {
                creation.get(); // throws if one failed
            }
        }
        threads.shutdown();
    }

    private FileClaims instance(String name) throws Exception {
        FileClaims claims = new FileClaims("orders-pipeline", name, dataSource, 30_000);
        claims.createTable();
        claims.start();
        instances.add(claims);
        return claims;
    }
}

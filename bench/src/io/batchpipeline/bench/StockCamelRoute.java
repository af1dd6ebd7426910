package io.batchpipeline.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.dataformat.csv.CsvDataFormat;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.processor.aggregate.GroupedBodyAggregationStrategy;

/**
 * The baseline: the route an integration engineer writes with stock Camel parts. A CSV file is unmarshalled
 * lazily by camel-csv, split one record per exchange, aggregated by 1000 with a 1 s completion timeout, and
 * handed through seda to 4 consumers that insert with camel-sql {@code batch=true}. The counter after the
 * insert only tells this process when to exit.
 *
 * <p>Arguments: input folder, JDBC URL, user, password, expected rows.
 */
public final class StockCamelRoute {

    private StockCamelRoute() {
    }

    public static void main(String[] args) throws Exception {
        String folder = args[0];
        long expected = Long.parseLong(args[4]);
        HikariConfig config = new HikariConfig();
        // strings from CSV are bound untyped, so PostgreSQL casts them to the column types
        config.setJdbcUrl(args[1] + (args[1].contains("?") ? "&" : "?") + "stringtype=unspecified");
        config.setUsername(args[2]);
        config.setPassword(args[3]);
        config.setMaximumPoolSize(5);
        AtomicLong inserted = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        try (HikariDataSource dataSource = new HikariDataSource(config); CamelContext context = new DefaultCamelContext()) {
            context.getRegistry().bind("ds", dataSource);
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    CsvDataFormat csv = new CsvDataFormat();
                    csv.setUseMaps(true);
                    csv.setLazyLoad(true);

                    from("file:" + folder + "?noop=true")
                            .unmarshal(csv)
                            .split(body()).streaming()
                                .aggregate(constant(true), new GroupedBodyAggregationStrategy())
                                    .completionSize(1000).completionTimeout(1000)
                                    .to("seda:batches");

                    from("seda:batches?concurrentConsumers=4")
                            .setProperty("rows", simple("${body.size}"))
                            .to("sql:INSERT INTO bench_orders (id, customer, amount, quantity, score, ordered_at, paid, note)"
                                    + " VALUES (:#id, :#customer, :#amount, :#quantity, :#score, :#ordered_at, :#paid, :#note)"
                                    + "?dataSource=#ds&batch=true")
                            .process(e -> {
                                if (inserted.addAndGet(e.getProperty("rows", Long.class)) >= expected) {
                                    done.countDown();
                                }
                            });
                }
            });
            context.start();
            done.await();
        }
        System.out.println("inserted " + inserted.get());
    }
}

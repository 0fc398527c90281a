package dev.stemma.cli.embedded;

import java.io.IOException;
import java.io.InputStream;

/**
 * Main class of the broker child JVM: formats the storage directory if it is new, then runs
 * Kafka in KRaft mode. A daemon thread reads standard input; when it closes (the parent
 * closed it, exited or was killed) the JVM exits and Kafka's own shutdown hook stops the
 * broker cleanly.
 *
 * <p>Arguments: {@code server.properties clusterId}.
 */
final class BrokerMain {
    private BrokerMain() {}

    public static void main(String[] args) {
        if (args.length != 2) {
            System.err.println("usage: BrokerMain SERVER_PROPERTIES CLUSTER_ID");
            System.exit(2);
        }
        Thread watchdog = new Thread(BrokerMain::exitWhenParentGoes, "stemma-parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        int rc = kafka.tools.StorageTool.execute(
                new String[] {"format", "-t", args[1], "-c", args[0], "--standalone", "--ignore-formatted"}, System.out);
        if (rc != 0) {
            System.err.println("formatting the broker storage failed with code " + rc);
            System.exit(rc);
        }
        kafka.Kafka.main(new String[] {args[0]});
    }

    private static void exitWhenParentGoes() {
        InputStream in = System.in;
        byte[] buf = new byte[64];
        try {
            while (in.read(buf) >= 0) {
                // Nothing is expected on stdin; only its end matters.
            }
        } catch (IOException e) {
            // A broken pipe means the same as end of input.
        }
        System.exit(0);
    }
}

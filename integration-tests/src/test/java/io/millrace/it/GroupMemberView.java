package io.millrace.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What the test knows about one {@link GroupConsumerMain} process, built from the lines it prints:
 * its current partitions, every assignment change with the time the test saw it, every record it
 * processed, and commit failures. Thread-safe.
 */
final class GroupMemberView {

    /** An assignment change: partitions added or removed, seen at {@code nanos} (System.nanoTime). */
    record Change(long nanos, boolean assigned, Set<Integer> partitions) {}

    /** A processed record. */
    record Processed(int partition, long offset, String value) {}

    final String name;
    private final Set<Integer> current = new TreeSet<>();
    private final List<Change> changes = new ArrayList<>();
    private final List<Processed> processed = new ArrayList<>();
    private final List<String> commitFailures = new ArrayList<>();
    private boolean ready;

    GroupMemberView(String name) {
        this.name = name;
    }

    synchronized void onLine(String line) {
        long now = System.nanoTime();
        if (line.equals("READY")) {
            ready = true;
        } else if (line.startsWith("ASSIGNED")) {
            Set<Integer> ps = partitions(line.substring("ASSIGNED".length()).trim());
            current.addAll(ps);
            changes.add(new Change(now, true, ps));
        } else if (line.startsWith("REVOKED")) {
            Set<Integer> ps = partitions(line.substring("REVOKED".length()).trim());
            current.removeAll(ps);
            changes.add(new Change(now, false, ps));
        } else if (line.startsWith("RECORD ")) {
            String[] f = line.split(" ", 4);
            processed.add(new Processed(Integer.parseInt(f[1]), Long.parseLong(f[2]), f[3]));
        } else if (line.startsWith("COMMIT-FAILED")) {
            commitFailures.add(line);
        }
    }

    private static Set<Integer> partitions(String csv) {
        Set<Integer> out = new TreeSet<>();
        if (!csv.isEmpty()) {
            for (String p : csv.split(",")) {
                out.add(Integer.parseInt(p));
            }
        }
        return out;
    }

    synchronized boolean isReady() {
        return ready;
    }

    synchronized Set<Integer> current() {
        return new TreeSet<>(current);
    }

    synchronized List<Change> changes() {
        return new ArrayList<>(changes);
    }

    synchronized List<Processed> processed() {
        return new ArrayList<>(processed);
    }

    synchronized List<String> commitFailures() {
        return new ArrayList<>(commitFailures);
    }

    @Override
    public synchronized String toString() {
        return name + " owns " + current + ", processed " + processed.size() + " records";
    }
}

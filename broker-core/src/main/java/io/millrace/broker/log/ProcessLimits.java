package io.millrace.broker.log;

import com.sun.management.UnixOperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operating-system limits that bound the storage layer's open files and mappings, and the
 * default sizes of its caches derived from them ({@link SegmentChannels}). Stateless.
 */
final class ProcessLimits {

    /** The smallest default cache size, whatever the limits. */
    static final int MIN_CACHE = 16;
    /** Assumed when the JVM cannot tell the open-file limit: a common default soft limit. */
    private static final long ASSUMED_MAX_OPEN_FILES = 1024;
    /** Assumed when /proc/sys/vm/max_map_count cannot be read: Linux's default. */
    private static final long ASSUMED_MAX_MAP_COUNT = 65530;

    private static final Path MAX_MAP_COUNT = Path.of("/proc/sys/vm/max_map_count");

    private ProcessLimits() {}

    /** The process's open-file limit (ulimit -n), or -1 when the JVM cannot tell. */
    static long maxOpenFiles() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getMaxFileDescriptorCount() : -1;
    }

    /** Descriptors the process holds now, or -1 when the JVM cannot tell. */
    static long openFiles() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        return os instanceof UnixOperatingSystemMXBean unix ? unix.getOpenFileDescriptorCount() : -1;
    }

    /** vm.max_map_count (memory mappings a process may hold), or -1 when it cannot be read. */
    static long maxMapCount() {
        try {
            // Not Files.readString: it reads a /proc/sys file (which reports size 0) a byte at a time,
            // and such a file answers only the first read.
            return Long.parseLong(Files.readAllLines(MAX_MAP_COUNT).get(0).trim());
        } catch (IOException | NumberFormatException | IndexOutOfBoundsException e) {
            return -1;
        }
    }

    /** Default of log.open.files.max: half the open-file limit (sockets need the rest), at least 16. */
    static int defaultOpenFilesMax() {
        long limit = maxOpenFiles();
        return share(limit > 0 ? limit : ASSUMED_MAX_OPEN_FILES, 2);
    }

    /** Default of log.mapped.indexes.max: a quarter of vm.max_map_count, at least 16. */
    static int defaultMappedIndexesMax() {
        long limit = maxMapCount();
        return share(limit > 0 ? limit : ASSUMED_MAX_MAP_COUNT, 4);
    }

    private static int share(long limit, int divisor) {
        return (int) Math.max(MIN_CACHE, Math.min(Integer.MAX_VALUE, limit / divisor));
    }
}

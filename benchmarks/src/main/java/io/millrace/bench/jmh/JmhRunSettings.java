package io.millrace.bench.jmh;

import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The run settings every benchmark of this package extends, so that their figures are measured
 * alike: three warm-up and five measured iterations of two seconds, in one fork with the broker's
 * 1 GB G1 heap. JMH reads these annotations from the superclass; a benchmark may still override
 * one on its own class or method.
 */
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+UseG1GC"})
public abstract class JmhRunSettings {}

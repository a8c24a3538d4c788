package io.millrace.bench;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Everything a scale run measured: per broker, its figures, what it held at four points of the
 * run, and the errors that stopped or marred it.
 */
record ScaleResult(ScaleSettings settings, Instant started, Instant finished, List<Session> sessions) {

    /** Where in the run the broker's resources were read. */
    enum Point {
        TEN_TOPICS("with 10 topics"),
        ALL_TOPICS("with every topic created"),
        AFTER_CLEAN_RESTART("after the clean restart"),
        AFTER_KILL9_RESTART("after the kill -9 restart");

        private final String label;

        Point(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /** What the broker process held, read from /proc and with jcmd. */
    enum Resource {
        OPEN_FILES("open file descriptors"),
        THREADS("threads"),
        RSS_MB("resident set size, MB"),
        LIVE_HEAP_MB("live heap after a full GC, MB");

        private final String label;

        Resource(String label) {
            this.label = label;
        }

        String label() {
            return label;
        }
    }

    /**
     * One broker's run.
     *
     * @param errors every step that failed, as "step: what happened", in run order; the first one
     *               that left no serving broker ended the session
     */
    record Session(
            BrokerSetup setup,
            Map<ScaleFigure, Double> figures,
            Map<Point, Map<Resource, Double>> resources,
            List<String> errors) {

        double figure(ScaleFigure f) {
            return figures.getOrDefault(f, Double.NaN);
        }

        double resource(Point p, Resource r) {
            return resources.getOrDefault(p, Map.of()).getOrDefault(r, Double.NaN);
        }
    }

    /** The session of {@code setup}, or null if it did not run. */
    Session session(BrokerSetup setup) {
        return sessions.stream().filter(s -> s.setup() == setup).findFirst().orElse(null);
    }

    /** Millrace's figure divided by {@code other}'s; NaN unless both have it. */
    double ratio(ScaleFigure f, BrokerSetup other) {
        Session millrace = session(BrokerSetup.MILLRACE);
        Session kafka = session(other);
        return millrace == null || kafka == null ? Double.NaN : Stats.ratio(millrace.figure(f), kafka.figure(f));
    }

    /** Millrace's resource at a point divided by {@code other}'s; NaN unless both have it. */
    double ratio(Point p, Resource r, BrokerSetup other) {
        Session millrace = session(BrokerSetup.MILLRACE);
        Session kafka = session(other);
        return millrace == null || kafka == null
                ? Double.NaN
                : Stats.ratio(millrace.resource(p, r), kafka.resource(p, r));
    }

    /** The Kafka configurations Millrace is compared with, in run order. */
    List<BrokerSetup> kafkaSetups() {
        return settings.brokers().stream().filter(BrokerSetup::isKafka).toList();
    }
}

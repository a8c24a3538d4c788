package io.millrace.broker.server.handlers;

import java.util.Set;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.utils.Utils;

/**
 * Authorized-operations bit sets reported when a client asks for them. Without an authorizer
 * every client may do everything, as with Kafka's default configuration.
 */
final class Ops {

    static final int NOT_REQUESTED = Integer.MIN_VALUE;

    static final int TOPIC = bits(Set.of(
            AclOperation.READ,
            AclOperation.WRITE,
            AclOperation.CREATE,
            AclOperation.DELETE,
            AclOperation.ALTER,
            AclOperation.DESCRIBE,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS));

    static final int CLUSTER = bits(Set.of(
            AclOperation.CREATE,
            AclOperation.ALTER,
            AclOperation.DESCRIBE,
            AclOperation.CLUSTER_ACTION,
            AclOperation.DESCRIBE_CONFIGS,
            AclOperation.ALTER_CONFIGS,
            AclOperation.IDEMPOTENT_WRITE));

    private Ops() {}

    private static int bits(Set<AclOperation> ops) {
        return Utils.to32BitField(ops.stream().map(AclOperation::code).collect(java.util.stream.Collectors.toSet()));
    }
}

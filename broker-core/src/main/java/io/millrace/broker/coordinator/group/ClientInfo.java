package io.millrace.broker.coordinator.group;

/**
 * Who sent a group request: the client id and host (as DescribeGroups reports them) and the API
 * version, which changes some rules (MEMBER_ID_REQUIRED from JoinGroup v4, ...).
 */
public record ClientInfo(String clientId, String clientHost, short apiVersion) {}

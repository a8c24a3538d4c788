package io.millrace.broker.server.handlers;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.HeartbeatRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GroupReplies.answer answers exactly once, with the API's error response when the coordinator fails. */
class GroupRepliesTest {

    @RegisterExtension
    final AdminHandlerFixture fixture = new AdminHandlerFixture();

    private final HeartbeatRequest request =
            new HeartbeatRequest.Builder(new HeartbeatRequestData().setGroupId("g")).build((short) 4);

    private final AdminHandlerFixture.CapturingResponder responder =
            new AdminHandlerFixture.CapturingResponder(request.version());

    @Test
    void answersWithWhatTheCoordinatorCompletesWith() {
        HeartbeatResponseData answer = new HeartbeatResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code());

        GroupReplies.answer(CompletableFuture.completedFuture(answer), fixture.context(request), request, responder);

        assertThat(responder.single()).isSameAs(answer);
    }

    @Test
    void aFailedCoordinatorIsAnsweredWithTheApisErrorResponse() {
        GroupReplies.answer(
                CompletableFuture.failedFuture(new CoordinatorLoadInProgressException("loading")),
                fixture.context(request),
                request,
                responder);

        assertThat(((HeartbeatResponseData) responder.single()).errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
    }

    @Test
    void aFailedConversionIsAnsweredWithTheApisErrorResponse() {
        GroupReplies.answer(
                CompletableFuture.completedFuture(new HeartbeatResponseData()),
                fixture.context(request),
                request,
                responder,
                r -> {
                    throw new CoordinatorLoadInProgressException("converting");
                });

        assertThat(((HeartbeatResponseData) responder.single()).errorCode())
                .isEqualTo(Errors.COORDINATOR_LOAD_IN_PROGRESS.code());
    }
}

package io.batchpipeline.source;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a JetStream message is named in dead letters and logs: its stream and its sequence there. */
class BrokerMessageTest {

    @Test
    void aJetStreamAcknowledgementSubjectNamesTheStreamAndTheSequence() {
        assertThat(BrokerMessage.jetStreamPosition("$JS.ACK.ORDERS.loader.1.4711.12.1764500000000000000.0"))
                .isEqualTo("ORDERS sequence 4711");
    }

    @Test
    void aSubjectWithADomainAndAnAccountHashNamesThemToo() {
        assertThat(BrokerMessage.jetStreamPosition("$JS.ACK.hub.ACCHASH.ORDERS.loader.2.4712.13.1764500000000000000.5"))
                .isEqualTo("ORDERS sequence 4712");
        assertThat(BrokerMessage.jetStreamPosition("$JS.ACK.hub.ACCHASH.ORDERS.loader.2.4713.13.1764500000000000000.5.tok"))
                .isEqualTo("ORDERS sequence 4713");
    }

    @Test
    void anyOtherReplySubjectNamesNothing() {
        assertThat(BrokerMessage.jetStreamPosition(null)).isNull();
        assertThat(BrokerMessage.jetStreamPosition("_INBOX.abc.1")).isNull();
        assertThat(BrokerMessage.jetStreamPosition("$JS.ACK.too.few")).isNull();
    }
}

package dev.tether.extension;

import dev.tether.api.CloseCodes;
import dev.tether.extension.ExtensionParams.Param;
import dev.tether.message.Fragment;
import dev.tether.message.Message;
import dev.tether.message.MessageType;
import dev.tether.protocol.ProtocolException;
import dev.tether.protocol.Role;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static dev.tether.extension.TextExtension.text;
import static dev.tether.extension.TextExtension.textOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExtensionsTest {

    private static final ExtensionContext SERVER = new ExtensionContext(Role.SERVER, 1 << 20);
    private static final ExtensionContext CLIENT = new ExtensionContext(Role.CLIENT, 1 << 20);

    // "reverse" and "xor" both want RSV1; "tag" uses RSV2. Reversing and appending don't commute.
    private final TextExtension reverse = TextExtension.reverse("reverse", Message.RSV1);
    private final TextExtension xor = TextExtension.reverse("xor", Message.RSV1);
    private final TextExtension tag = TextExtension.suffix("tag", Message.RSV2, "+");

    private static Extensions server(Extension... supported) {
        return new Extensions(List.of(supported), SERVER);
    }

    private static Extensions client(Extension... supported) {
        return new Extensions(List.of(supported), CLIENT);
    }

    private static ExtensionParams ext(String name, Param... params) {
        return ExtensionParams.of(name, params);
    }

    @Nested
    class Registration {

        @Test
        void rejectsTwoExtensionsWithTheSameName() {
            TextExtension otherReverse = TextExtension.reverse("reverse", Message.RSV3);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> server(reverse, tag, otherReverse));
            assertEquals("an extension named \"reverse\" is already registered", e.getMessage());
        }

        @Test
        void rejectsANameThatIsNotAToken() {
            assertThrows(IllegalArgumentException.class, () -> server(TextExtension.reverse("a b", Message.RSV1)));
        }

        @Test
        void rejectsBitsOtherThanRsv() {
            assertThrows(IllegalArgumentException.class, () -> server(TextExtension.reverse("wide", 0x80)));
        }
    }

    @Nested
    class Server {

        @Test
        void withoutOffersAgreesOnNothing() {
            Extensions extensions = server(reverse, tag);

            assertNull(extensions.generateResponse(null));
            assertTrue(extensions.isEmpty());
            assertEquals(List.of(), extensions.names());
            assertTrue(reverse.offersReceived.isEmpty());
        }

        @Test
        void answersAnOfferWithTheSessionsResponse() {
            reverse.answer = offers -> ext("reverse", Param.flag("ok"));
            Extensions extensions = server(reverse);

            assertEquals("reverse; ok", extensions.generateResponse("reverse; x=1"));
            assertEquals(List.of(List.of(ext("reverse", new Param("x", "1")))), reverse.offersReceived);
            assertEquals(List.of("reverse"), extensions.names());
        }

        @Test
        void givesAnExtensionAllItsOffersInTheClientsOrder() {
            Extensions extensions = server(tag);

            assertEquals("tag; v=2", extensions.generateResponse("tag; v=2, reverse, tag; v=1, tag"));
            assertEquals(List.of(List.of(ext("tag", new Param("v", "2")), ext("tag", new Param("v", "1")), ext("tag"))),
                    tag.offersReceived);
        }

        @Test
        void theExtensionChoosesAmongItsOffers() {
            tag.answer = offers -> offers.stream().filter(offer -> "1".equals(offer.value("v"))).findFirst().orElse(null);
            Extensions extensions = server(tag);

            assertEquals("tag; v=1", extensions.generateResponse("tag; v=2, tag; v=1"));
        }

        @Test
        void answersInRegistrationOrderNotTheClients() {
            Extensions extensions = server(reverse, tag);

            assertEquals("reverse, tag", extensions.generateResponse("tag, reverse"));
            assertEquals(List.of("reverse", "tag"), extensions.names());
        }

        @Test
        void leavesOutAnExtensionThatDeclines() {
            reverse.answer = offers -> null;
            Extensions extensions = server(reverse, tag);

            assertEquals("tag", extensions.generateResponse("reverse, tag"));
            assertEquals(List.of("tag"), extensions.names());
        }

        @Test
        void agreesOnNothingWhenEveryExtensionDeclines() {
            reverse.answer = offers -> null;
            Extensions extensions = server(reverse);

            assertNull(extensions.generateResponse("reverse"));
            assertTrue(extensions.isEmpty());
        }

        @Test
        void skipsAnExtensionWhoseRsvBitIsTaken() {
            Extensions extensions = server(reverse, xor, tag);

            assertEquals("reverse, tag", extensions.generateResponse("xor, reverse, tag"));
            assertTrue(xor.offersReceived.isEmpty(), "xor was not asked");
        }

        @Test
        void aBitIsFreeAgainWhenItsFirstClaimantDeclines() {
            reverse.answer = offers -> null;
            Extensions extensions = server(reverse, xor);

            assertEquals("xor", extensions.generateResponse("reverse, xor"));
        }

        @Test
        void doesNotAskExtensionsTheClientDidNotOffer() {
            Extensions extensions = server(reverse, tag);

            assertEquals("tag", extensions.generateResponse("tag"));
            assertTrue(reverse.offersReceived.isEmpty());
        }

        @Test
        void ignoresUnknownOffers() {
            Extensions extensions = server(reverse);

            assertEquals("reverse", extensions.generateResponse("x-unknown; a=1, reverse, permessage-deflate"));
        }

        @Test
        void refusesAMalformedHeaderBeforeCreatingSessions() {
            Extensions extensions = server(reverse);

            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> extensions.generateResponse("reverse, tag; v=\"unterminated"));
            assertTrue(e.getMessage().startsWith("Sec-WebSocket-Extensions: unterminated quoted-string at offset 16"));
            assertTrue(reverse.sessions.isEmpty());
        }

        @Test
        void treatsAnExtensionAnsweringForAnotherNameAsABugAndClosesWhatItOpened() {
            tag.answer = offers -> ext("not-tag");
            Extensions extensions = server(reverse, tag);

            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> extensions.generateResponse("reverse, tag"));
            assertEquals("extension \"tag\" generated its response under the name \"not-tag\"", e.getMessage());
            assertEquals(1, reverse.session().closeCalls);
            assertEquals(1, tag.session().closeCalls);
        }

        @Test
        void negotiatesOnlyOnce() {
            Extensions extensions = server(reverse);
            extensions.generateResponse("reverse");

            assertThrows(IllegalStateException.class, () -> extensions.generateResponse("reverse"));
        }

        @Test
        void isNotForClients() {
            assertThrows(IllegalStateException.class, () -> client(reverse).generateResponse("reverse"));
        }
    }

    @Nested
    class ClientOffer {

        @Test
        void offersEveryExtensionInRegistrationOrder() {
            tag.offer = ext("tag", new Param("v", "1"), Param.flag("strict"));

            assertEquals("reverse, tag; v=1; strict", client(reverse, tag).generateOffer());
        }

        @Test
        void quotesOfferedValuesThatAreNotTokens() {
            tag.offer = ext("tag", new Param("label", "a b"));

            assertEquals("tag; label=\"a b\"", client(tag).generateOffer());
        }

        @Test
        void offersExtensionsSharingAnRsvBitAsAlternatives() {
            assertEquals("reverse, xor, tag", client(reverse, xor, tag).generateOffer());
        }

        @Test
        void leavesOutAnExtensionWithoutClientSession() {
            reverse.createsClientSessions = false;

            assertEquals("tag", client(reverse, tag).generateOffer());
        }

        @Test
        void leavesOutAndClosesASessionWithNothingToOffer() {
            reverse.offer = null;

            assertEquals("tag", client(reverse, tag).generateOffer());
            assertEquals(1, reverse.session().closeCalls);
        }

        @Test
        void sendsNoHeaderWhenNothingIsOffered() {
            reverse.createsClientSessions = false;

            assertNull(client(reverse).generateOffer());
        }

        @Test
        void isNotForServers() {
            assertThrows(IllegalStateException.class, () -> server(reverse).generateOffer());
        }
    }

    @Nested
    class ClientActivation {

        private Extensions offered(Extension... supported) {
            Extensions extensions = client(supported);
            extensions.generateOffer();
            return extensions;
        }

        private String activationError(Extensions extensions, String response) {
            return assertThrows(IllegalArgumentException.class, () -> extensions.activate(response)).getMessage();
        }

        @Test
        void activatesTheAcceptedSessionsWithTheServersParameters() {
            Extensions extensions = offered(reverse, tag);

            extensions.activate("reverse; a, tag; v=1");

            assertEquals(List.of(ext("reverse", Param.flag("a"))), reverse.session().activatedWith);
            assertEquals(List.of(ext("tag", new Param("v", "1"))), tag.session().activatedWith);
            assertEquals(List.of("reverse", "tag"), extensions.names());
        }

        @Test
        void followsTheServersOrder() {
            Extensions extensions = offered(reverse, tag);

            extensions.activate("tag, reverse");

            assertEquals(List.of("tag", "reverse"), extensions.names());
        }

        @Test
        void acceptsOneOfTwoAlternativesSharingABit() {
            Extensions extensions = offered(reverse, xor);

            extensions.activate("xor");

            assertEquals(List.of("xor"), extensions.names());
            assertEquals(1, reverse.session().closeCalls, "the alternative not taken is closed");
        }

        @Test
        void closesTheSessionsTheServerDidNotAccept() {
            Extensions extensions = offered(reverse, tag);

            extensions.activate("tag");

            assertEquals(1, reverse.session().closeCalls);
            assertEquals(0, tag.session().closeCalls);
            assertTrue(reverse.session().activatedWith.isEmpty());
        }

        @Test
        void withoutResponseHeaderAgreesOnNothingAndClosesEverySession() {
            Extensions extensions = offered(reverse, tag);

            extensions.activate(null);

            assertTrue(extensions.isEmpty());
            assertEquals(1, reverse.session().closeCalls);
            assertEquals(1, tag.session().closeCalls);
        }

        @Test
        void refusesAnExtensionThatWasNotOffered() {
            Extensions extensions = offered(reverse);

            assertEquals("Sec-WebSocket-Extensions: the server accepted \"tag\" which the client did not offer",
                    activationError(extensions, "reverse, tag"));
        }

        @Test
        void refusesAnExtensionWhoseSessionHadNothingToOffer() {
            tag.offer = null;
            Extensions extensions = offered(reverse, tag);

            assertEquals("Sec-WebSocket-Extensions: the server accepted \"tag\" which the client did not offer",
                    activationError(extensions, "tag"));
        }

        @Test
        void refusesAnExtensionAcceptedTwice() {
            Extensions extensions = offered(reverse, tag);

            assertEquals("Sec-WebSocket-Extensions: the server accepted \"tag\" twice",
                    activationError(extensions, "tag, reverse, tag"));
        }

        @Test
        void refusesParametersTheSessionRejects() {
            tag.acceptsResponse = response -> !response.has("v");
            Extensions extensions = offered(tag);

            assertEquals("Sec-WebSocket-Extensions: the server accepted \"tag\" with parameters the extension"
                    + " rejects: \"tag; v=9\"", activationError(extensions, "tag; v=\"9\""));
        }

        @Test
        void refusesTwoExtensionsSharingAnRsvBit() {
            Extensions extensions = offered(reverse, xor);

            assertEquals("Sec-WebSocket-Extensions: the server accepted \"xor\" but RSV1 is already used by"
                    + " \"reverse\"", activationError(extensions, "reverse, xor"));
        }

        @Test
        void refusesAMalformedResponse() {
            Extensions extensions = offered(reverse);

            assertTrue(activationError(extensions, "reverse;").startsWith(
                    "Sec-WebSocket-Extensions: expected a parameter name (a token) at offset 8"));
        }

        @Test
        void aFailedActivationClosesEverySessionAndEndsTheConnectionsUse() {
            Extensions extensions = offered(reverse, tag);

            assertThrows(IllegalArgumentException.class, () -> extensions.activate("reverse, unknown"));

            assertEquals(1, reverse.session().closeCalls);
            assertEquals(1, tag.session().closeCalls);
            assertTrue(extensions.isEmpty());
            assertThrows(IllegalStateException.class, () -> extensions.processOutgoing(text("x", 0)));
            extensions.close();
            assertEquals(1, reverse.session().closeCalls, "not closed twice");
        }

        @Test
        void mustFollowAnOffer() {
            Extensions extensions = client(reverse);

            assertThrows(IllegalStateException.class, () -> extensions.activate("reverse"));
        }
    }

    @Nested
    class Pipeline {

        /** A server that agreed on reverse then tag. */
        private Extensions reverseThenTag() {
            Extensions extensions = server(reverse, tag);
            extensions.generateResponse("reverse, tag");
            return extensions;
        }

        @Test
        void outgoingMessagesGoThroughTheSessionsInNegotiatedOrder() {
            Message sent = reverseThenTag().processOutgoing(text("abc", 0));

            assertEquals("cba+", textOf(sent), "reversed, then tagged");
            assertEquals(Message.RSV1 | Message.RSV2, sent.rsv());
        }

        @Test
        void incomingMessagesGoThroughTheSessionsInReverseOrder() throws ProtocolException {
            Message received = reverseThenTag().processIncoming(text("cba+", Message.RSV1 | Message.RSV2));

            assertEquals("abc", textOf(received), "untagged, then reversed");
            assertEquals(0, received.rsv());
        }

        @Test
        void theClientFollowsTheOrderOfTheServersResponse() {
            Extensions extensions = client(reverse, tag);
            extensions.generateOffer();
            extensions.activate("tag, reverse");

            assertEquals("+cba", textOf(extensions.processOutgoing(text("abc", 0))), "tagged, then reversed");
        }

        @Test
        void whatOneEndSendsTheOtherReceivesUnchanged() throws ProtocolException {
            TextExtension serverReverse = TextExtension.reverse("reverse", Message.RSV1);
            TextExtension serverTag = TextExtension.suffix("tag", Message.RSV2, "+");
            Extensions clientSide = client(reverse, tag);
            Extensions serverSide = server(serverReverse, serverTag);
            clientSide.activate(serverSide.generateResponse(clientSide.generateOffer()));

            Message sent = clientSide.processOutgoing(text("hello", 0));
            Message received = serverSide.processIncoming(sent);

            assertEquals("olleh+", textOf(sent));
            assertEquals("hello", textOf(received));
            assertEquals(0, received.rsv());
        }

        @Test
        void aSessionsProtocolErrorStopsTheMessage() {
            Extensions extensions = reverseThenTag();

            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> extensions.processIncoming(text("cba", Message.RSV1 | Message.RSV2)));

            assertEquals(CloseCodes.INVALID_PAYLOAD, e.closeCode());
            assertEquals("tag cannot decode cba", e.getMessage());
        }

        @Test
        void withoutExtensionsMessagesPassUnchanged() throws ProtocolException {
            Extensions extensions = server(reverse);
            extensions.generateResponse(null);
            Message message = text("abc", 0);

            assertSame(message, extensions.processOutgoing(message));
            assertSame(message, extensions.processIncoming(message));
        }
    }

    @Nested
    class Fragments {

        /** A server that agreed on reverse then tag, both working on fragments. */
        private Extensions reverseThenTag() {
            reverse.fragments = true;
            tag.fragments = true;
            Extensions extensions = server(reverse, tag);
            extensions.generateResponse("reverse, tag");
            return extensions;
        }

        private static Fragment fragment(String text, int rsv, boolean first, boolean last) {
            return new Fragment(MessageType.TEXT, rsv, text(text, 0).payload(), first, last);
        }

        private static String textOf(Fragment fragment) {
            return StandardCharsets.UTF_8.decode(fragment.payload().duplicate()).toString();
        }

        @Test
        void onlyWhenEveryActiveSessionWorksOnFragments() {
            Extensions none = server(reverse, tag);
            none.generateResponse(null);
            assertTrue(none.processesFragments(), "nothing to assemble for");

            reverse.fragments = true;
            Extensions mixed = server(reverse, tag);
            mixed.generateResponse("reverse, tag");
            assertFalse(mixed.processesFragments(), "tag works on whole messages");

            TextExtension otherTag = TextExtension.suffix("tag", Message.RSV2, "+");
            Extensions agreedOnly = server(TextExtension.reverse("reverse", Message.RSV1), otherTag);
            agreedOnly.generateResponse("tag");
            assertFalse(agreedOnly.processesFragments());
            otherTag.fragments = true;
            assertTrue(agreedOnly.processesFragments(), "reverse was not agreed: it does not count");
        }

        @Test
        void outgoingFragmentsGoThroughTheSessionsInNegotiatedOrder() {
            List<Fragment> wire = new ArrayList<>();
            reverseThenTag().outgoingFragments(wire::add).accept(fragment("abc", 0, true, false));

            assertEquals(1, wire.size());
            assertEquals("cba+", textOf(wire.get(0)), "reversed, then tagged");
            assertEquals(Message.RSV1 | Message.RSV2, wire.get(0).rsv());
            assertTrue(wire.get(0).first() && !wire.get(0).last(), "its place in the message kept");
        }

        @Test
        void incomingFragmentsGoThroughTheSessionsInReverseOrder() throws ProtocolException {
            List<Fragment> delivered = new ArrayList<>();
            reverseThenTag().incomingFragments(delivered::add).accept(fragment("cba+", Message.RSV1 | Message.RSV2, false, true));

            assertEquals("abc", textOf(delivered.get(0)), "untagged, then reversed");
            assertEquals(0, delivered.get(0).rsv());
            assertTrue(!delivered.get(0).first() && delivered.get(0).last());
        }

        @Test
        void aSessionsProtocolErrorStopsTheFragment() {
            List<Fragment> delivered = new ArrayList<>();
            FragmentSink pipeline = reverseThenTag().incomingFragments(delivered::add);

            ProtocolException e = assertThrows(ProtocolException.class,
                    () -> pipeline.accept(fragment("cba", Message.RSV1 | Message.RSV2, true, true)));

            assertEquals("tag cannot decode cba", e.getMessage());
            assertEquals(List.of(), delivered);
        }

        @Test
        void withoutActiveSessionsFragmentsGoStraightThrough() throws ProtocolException {
            Extensions extensions = server(reverse);
            extensions.generateResponse(null);
            List<Fragment> seen = new ArrayList<>();
            Fragment fragment = fragment("abc", 0, true, true);

            extensions.incomingFragments(seen::add).accept(fragment);
            extensions.outgoingFragments(seen::add).accept(fragment);

            assertEquals(List.of(fragment, fragment), seen);
            assertSame(fragment, seen.get(0));
        }

        @Test
        void thereIsNoFragmentPipelineWhileASessionWorksOnWholeMessages() {
            reverse.fragments = true;
            Extensions extensions = server(reverse, tag);
            extensions.generateResponse("reverse, tag");

            IllegalStateException e = assertThrows(IllegalStateException.class, () -> extensions.incomingFragments(f -> { }));
            assertEquals("incomingFragments: an active extension works on whole messages only", e.getMessage());
            assertThrows(IllegalStateException.class, () -> extensions.outgoingFragments(f -> { }));
        }

        @Test
        void aSessionPassingOnNullIsNamed() {
            Extensions extensions = reverseThenTag();
            reverse.passesNull = true;

            IllegalStateException in = assertThrows(IllegalStateException.class,
                    () -> extensions.incomingFragments(f -> { }).accept(fragment("cba+", Message.RSV1 | Message.RSV2, true, true)));
            assertEquals("extension \"reverse\" passed on a null fragment", in.getMessage());
            IllegalStateException out = assertThrows(IllegalStateException.class,
                    () -> extensions.outgoingFragments(f -> { }).accept(fragment("abc", 0, true, true)));
            assertEquals("extension \"reverse\" passed on a null fragment", out.getMessage());
        }

        @Test
        void fragmentsCannotBeProcessedAfterClose() {
            Extensions extensions = reverseThenTag();
            FragmentSink incoming = extensions.incomingFragments(f -> { });
            java.util.function.Consumer<Fragment> outgoing = extensions.outgoingFragments(f -> { });
            extensions.close();

            assertThrows(IllegalStateException.class, () -> incoming.accept(fragment("x", 0, true, true)));
            assertThrows(IllegalStateException.class, () -> outgoing.accept(fragment("x", 0, true, true)));
        }
    }

    @Nested
    class ReservedBits {

        @Test
        void noneWithoutExtensions() {
            Extensions extensions = server(reverse, tag);
            extensions.generateResponse("x-other");

            assertEquals(0, extensions.allowedRsv());
        }

        @Test
        void theBitsOfTheActiveExtensionsOnly() {
            Extensions extensions = server(reverse, xor, tag);
            extensions.generateResponse("xor, tag");

            assertEquals(Message.RSV1 | Message.RSV2, extensions.allowedRsv());
        }

        @Test
        void aClientAllowsOnlyTheBitsOfWhatTheServerAccepted() {
            Extensions extensions = client(reverse, tag);
            extensions.generateOffer();
            assertEquals(0, extensions.allowedRsv(), "offering reserves nothing");

            extensions.activate("tag");

            assertEquals(Message.RSV2, extensions.allowedRsv());
        }
    }

    @Nested
    class Closing {

        @Test
        void closesEverySessionExactlyOnce() {
            Extensions extensions = server(reverse, tag);
            extensions.generateResponse("reverse, tag");

            extensions.close();
            extensions.close();

            assertEquals(1, reverse.session().closeCalls);
            assertEquals(1, tag.session().closeCalls);
        }

        @Test
        void closesOfferedSessionsWhenTheHandshakeNeverCompletes() {
            Extensions extensions = client(reverse, tag);
            extensions.generateOffer();

            extensions.close();

            assertEquals(1, reverse.session().closeCalls);
            assertEquals(1, tag.session().closeCalls);
        }

        @Test
        void closesTheRestWhenOneFailsThenRethrowsTheFirstFailure() {
            reverse.failsOnClose = true;
            tag.failsOnClose = true;
            TextExtension last = TextExtension.reverse("last", Message.RSV3);
            Extensions extensions = server(reverse, tag, last);
            extensions.generateResponse("reverse, tag, last");

            IllegalStateException e = assertThrows(IllegalStateException.class, extensions::close);

            assertEquals("reverse failed to close", e.getMessage());
            assertArrayEquals(new String[] {"tag failed to close"},
                    Arrays.stream(e.getSuppressed()).map(Throwable::getMessage).toArray(String[]::new));
            assertEquals(1, last.session().closeCalls);
            extensions.close();
            assertEquals(1, reverse.session().closeCalls, "a failed close is not retried");
        }

        @Test
        void messagesCannotBeProcessedAfterClose() {
            Extensions extensions = server(reverse);
            extensions.generateResponse("reverse");
            extensions.close();

            assertThrows(IllegalStateException.class, () -> extensions.processOutgoing(text("x", 0)));
            assertThrows(IllegalStateException.class, () -> extensions.processIncoming(text("x", 0)));
        }
    }
}

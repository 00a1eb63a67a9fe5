package dev.tether.bench;

import dev.tether.bench.ProfileSummary.Stage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The profile's stages, specified by stacks (innermost frame first) as JFR records them on Jetty and Tomcat. */
class ProfileSummaryTest {
    private static final String HYBI = "dev.tether.driver.hybi.";
    private static final String CONN = "dev.tether.runtime.connection.";
    /** Tether's read path on Jetty (as recorded in S2 on tether-jetty), under whatever the sample is in. */
    private static final List<String> JETTY_READ = List.of(
            CONN + "TransportSide.onInput",
            "dev.tether.servlet.upgrade.JettyEndPointTransport.readOnce",
            "dev.tether.servlet.upgrade.JettyEndPointTransport.readWhileWanted",
            "dev.tether.servlet.upgrade.JettyEndPointTransport.read",
            "dev.tether.servlet.upgrade.JettyEndPointTransport.onReadable",
            "dev.tether.servlet.upgrade.JettyEndPointTransport$$Lambda$216+0x00007f8c2013c800.1443411252.run",
            "org.eclipse.jetty.util.Callback$4.succeeded",
            "org.eclipse.jetty.io.FillInterest.fillable",
            "org.eclipse.jetty.io.SelectableChannelEndPoint$1.run",
            "org.eclipse.jetty.util.thread.QueuedThreadPool.runJob",
            "org.eclipse.jetty.util.thread.QueuedThreadPool$Runner.doRunJob",
            "org.eclipse.jetty.util.thread.QueuedThreadPool$Runner.run",
            "java.lang.Thread.run");
    /** Tether's read path on Tomcat (as recorded in S1 on tether-tomcat). */
    private static final List<String> TOMCAT_READ = List.of(
            CONN + "TransportSide.onInput",
            "dev.tether.servlet.upgrade.TomcatUpgradeHandler.readLoop",
            "dev.tether.servlet.upgrade.TomcatUpgradeHandler.lambda$readWhileWanted$1",
            "dev.tether.servlet.upgrade.TomcatUpgradeHandler$$Lambda$146+0x00007fcef0190aa8.636310503.get",
            "dev.tether.servlet.upgrade.ContextLoader.get",
            "dev.tether.servlet.upgrade.TomcatUpgradeHandler.inApplication",
            "dev.tether.servlet.upgrade.TomcatUpgradeHandler.readWhileWanted",
            "dev.tether.servlet.upgrade.TomcatUpgradeHandler.upgradeDispatch",
            "org.apache.coyote.http11.upgrade.UpgradeProcessorInternal.dispatch",
            "org.apache.coyote.AbstractProcessorLight.process",
            "org.apache.coyote.AbstractProtocol$ConnectionHandler.process",
            "org.apache.tomcat.util.net.NioEndpoint$SocketProcessor.doRun",
            "org.apache.tomcat.util.net.SocketProcessorBase.run",
            "org.apache.tomcat.util.threads.ThreadPoolExecutor.runWorker",
            "org.apache.tomcat.util.threads.ThreadPoolExecutor$Worker.run",
            "org.apache.tomcat.util.threads.TaskThread$WrappingRunnable.run",
            "java.lang.Thread.run");
    /** The echo's send, called from the listener while the runtime delivers a text message (S1, tether-tomcat). */
    private static final List<String> ECHO_SEND = concat(List.of(
            CONN + "WebSocketConnection.send",
            "dev.tether.bench.server.TetherEcho$1.onText",
            CONN + "ConnectionEvents.lambda$onText$2",
            CONN + "ConnectionEvents$$Lambda$148+0x00007fcef0191718.539338981.run",
            CONN + "WebSocketConnection.deliver",
            CONN + "ConnectionEvents.lambda$onText$3",
            CONN + "ConnectionEvents$$Lambda$147+0x00007fcef01912e8.1418287071.run",
            "dev.tether.runtime.io.SerialEvents.drainClaimed",
            "dev.tether.runtime.io.SerialEvents.drain",
            CONN + "WebSocketConnection.deliverEvents",
            CONN + "WebSocketConnection.afterUnlock"), TOMCAT_READ);

    private static List<String> concat(List<String> top, List<String> under) {
        List<String> frames = new java.util.ArrayList<>(top);
        frames.addAll(under);
        return List.copyOf(frames);
    }

    private static Stage stage(List<String> top, List<String> under) {
        return ProfileSummary.classify(concat(top, under));
    }

    @Test
    void theFrameParserIsParse() {
        assertEquals(Stage.PARSE, stage(List.of(HYBI + "FrameParser.decodeHeader", HYBI + "FrameParser.readHeader",
                HYBI + "FrameParser.parse", HYBI + "HybiDriver.parse"), JETTY_READ));
        assertEquals(Stage.PARSE, stage(List.of(HYBI + "HybiDriver.parse"), JETTY_READ));
    }

    @Test
    void unmaskingWinsOverTheParserUnderIt() {
        assertEquals(Stage.UNMASK, stage(List.of(HYBI + "Masking.unmask", HYBI + "FrameParser.readPayload",
                HYBI + "FrameParser.parse", HYBI + "HybiDriver.parse"), JETTY_READ));
    }

    @Test
    void jdkHelpersTakeTheStageOfTheTetherFrameUnderThem() {
        assertEquals(Stage.MESSAGE, stage(List.of("java.lang.System.arraycopy", "java.nio.HeapByteBuffer.put",
                HYBI + "MessageAssembler.payload", HYBI + "InboundMessages.payload", HYBI + "HybiDriver$1.dataPayload",
                HYBI + "FrameParser.readPayload", HYBI + "FrameParser.parse", HYBI + "HybiDriver.parse"), JETTY_READ));
        assertEquals(Stage.QUEUE, stage(List.of("java.util.ArrayDeque.addLast",
                "java.util.concurrent.locks.ReentrantLock.lock", "dev.tether.runtime.io.OutboundQueue.add",
                CONN + "MessageSender.queueData", CONN + "MessageSender.write", HYBI + "FrameWriter.write"), ECHO_SEND));
    }

    @Test
    void utf8ValidationAndDecodingAreUtf8() {
        assertEquals(Stage.UTF8, stage(List.of("dev.tether.message.Utf8Validator.advance",
                "dev.tether.message.Utf8Validator.update", HYBI + "MessageAssembler.payload",
                HYBI + "InboundMessages.payload", HYBI + "HybiDriver$1.dataPayload", HYBI + "FrameParser.parse",
                HYBI + "HybiDriver.parse"), JETTY_READ));
        // new String(bytes, UTF_8) from the driver: the JDK's frames take the decode's stage
        assertEquals(Stage.UTF8, stage(List.of("java.lang.StringCoding.hasNegatives", "java.lang.String.<init>",
                HYBI + "InboundMessages.decode", HYBI + "InboundMessages.onMessage", HYBI + "MessageAssembler.deliver",
                HYBI + "MessageAssembler.frameEnd"), JETTY_READ));
    }

    @Test
    void encodingSentTextIsUtf8ButTheJdksCodingUnderTheContainerIsNot() {
        assertEquals(Stage.UTF8, stage(List.of("java.util.Arrays.copyOf", "java.lang.String.encodeUTF8",
                "java.lang.String.encode", "java.lang.String.getBytes", CONN + "WebSocketConnection.sendText"), ECHO_SEND));
        assertEquals(Stage.CONTAINER, stage(List.of("java.lang.String.getBytes",
                "org.apache.tomcat.util.buf.MessageBytes.toBytes"), List.of("java.lang.Thread.run")));
    }

    @Test
    void theListenerIsTheApplicationAndItsDispatchIsMessage() {
        assertEquals(Stage.APPLICATION, stage(List.of(), ECHO_SEND.subList(1, ECHO_SEND.size())));
        assertEquals(Stage.MESSAGE, stage(List.of("java.util.ArrayDeque.pollFirst"), ECHO_SEND.subList(3, ECHO_SEND.size())));
    }

    @Test
    void sendingIsQueueUntilTheFrameIsWritten() {
        assertEquals(Stage.QUEUE, stage(List.of(), ECHO_SEND));
        assertEquals(Stage.QUEUE, stage(List.of(CONN + "MessageSender.writeMessage", CONN + "MessageSender.dispatch",
                CONN + "MessageSender.send", CONN + "WebSocketConnection.sendData", CONN + "WebSocketConnection.sendText"),
                ECHO_SEND));
        // the lambda's generated class is a helper: the frame under it decides
        assertEquals(Stage.WRITE, stage(List.of(HYBI + "FrameWriter.putHeader", HYBI + "FrameWriter.write",
                HYBI + "OutboundMessages.writeFrames", HYBI + "OutboundMessages.message", HYBI + "HybiDriver.message",
                HYBI + "HybiDriver.uncompressed",
                CONN + "WebSocketConnection$$Lambda$512/0x0000000801234567.test",
                CONN + "MessageSender.writeMessage"), ECHO_SEND));
    }

    @Test
    void theWritersAreWriteAndWhatTheyCallIsTheContainersOrTheJdks() {
        // as recorded in S1 on tether-tomcat: the batch written at the end of a read
        List<String> flush = List.of("dev.tether.runtime.io.OutboundQueue.flushBatchNow",
                "dev.tether.runtime.io.OutboundQueue.flush", "dev.tether.runtime.io.OutboundQueue.endBatch");
        assertEquals(Stage.QUEUE, stage(flush, TOMCAT_READ));
        List<String> write = concat(List.of("dev.tether.servlet.upgrade.TomcatUpgradeHandler.write"), flush);
        assertEquals(Stage.WRITE, stage(List.of("java.nio.HeapByteBuffer.duplicate"), concat(write, TOMCAT_READ)));
        List<String> tomcat = concat(List.of("org.apache.tomcat.util.net.SocketWrapperBase$OperationState.start",
                "org.apache.tomcat.util.net.SocketWrapperBase.vectoredOperation",
                "org.apache.tomcat.util.net.SocketWrapperBase.write", "org.apache.tomcat.util.net.SocketWrapperBase.write"),
                write);
        assertEquals(Stage.CONTAINER, stage(tomcat, TOMCAT_READ));
        assertEquals(Stage.JDK_IO, stage(concat(List.of("sun.nio.ch.IOUtil.write", "sun.nio.ch.IOUtil.write",
                "sun.nio.ch.SocketChannelImpl.write", "org.apache.tomcat.util.net.NioChannel.write",
                "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper$NioOperationState.run"), tomcat), TOMCAT_READ));
        // the portable servlet path
        assertEquals(Stage.WRITE, stage(List.of("dev.tether.servlet.io.NonBlockingWriter.writeNext",
                "dev.tether.servlet.io.NonBlockingWriter.run", "dev.tether.servlet.io.NonBlockingWriter.write",
                "dev.tether.servlet.upgrade.ServletTransport.write", "dev.tether.runtime.io.OutboundQueue.flushBatchNow"),
                TOMCAT_READ));
        assertEquals(Stage.JDK_IO, stage(List.of("java.nio.DirectByteBuffer.put", "sun.nio.ch.IOUtil.write",
                "sun.nio.ch.SocketChannelImpl.write", "org.eclipse.jetty.io.SocketChannelEndPoint.flush",
                "org.eclipse.jetty.io.WriteFlusher.flush", "org.eclipse.jetty.io.WriteFlusher.write",
                "dev.tether.servlet.upgrade.JettyEndPointTransport.write"), JETTY_READ));
        assertEquals(Stage.WRITE, stage(List.of("dev.tether.servlet.upgrade.JettyEndPointTransport.onWritten",
                "org.eclipse.jetty.io.WriteFlusher.write"), JETTY_READ));
    }

    @Test
    void readingOnTomcatsOwnSocketIsReadUntilTheJdksChannel() {
        assertEquals(Stage.READ, stage(List.of("java.lang.ThreadLocal.get"), TOMCAT_READ.subList(1, TOMCAT_READ.size())));
        assertEquals(Stage.JDK_IO, stage(List.of("sun.nio.ch.SocketDispatcher.read", "sun.nio.ch.IOUtil.readIntoNativeBuffer",
                "sun.nio.ch.IOUtil.read", "sun.nio.ch.SocketChannelImpl.read", "org.apache.tomcat.util.net.NioChannel.read",
                "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.fillReadBuffer",
                "org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper.read"), TOMCAT_READ.subList(1, TOMCAT_READ.size())));
        // the batch begun for the read's answers is the queue's
        assertEquals(Stage.QUEUE, stage(List.of("java.lang.ThreadLocal.get", "dev.tether.runtime.io.OutboundQueue.beginBatch"),
                TOMCAT_READ));
    }

    @Test
    void readingIsReadAndTheSelectorIsTheContainers() {
        assertEquals(Stage.READ, stage(List.of("java.nio.HeapByteBuffer.compact"), JETTY_READ.subList(1, JETTY_READ.size())));
        assertEquals(Stage.READ, stage(List.of("dev.tether.servlet.upgrade.ReadBuffers.forThisThread"), JETTY_READ.subList(2, JETTY_READ.size())));
        assertEquals(Stage.CONTAINER, stage(List.of("org.eclipse.jetty.io.ManagedSelector$SelectorProducer.processSelected",
                "org.eclipse.jetty.io.ManagedSelector$SelectorProducer.produce"), List.of("java.lang.Thread.run")));
        assertEquals(Stage.JDK_IO, stage(List.of("sun.nio.ch.EPollSelectorImpl.processEvents",
                "sun.nio.ch.SelectorImpl.select", "org.apache.tomcat.util.net.NioEndpoint$Poller.run"),
                List.of("java.lang.Thread.run")));
    }

    @Test
    void stacksWithoutAnyFrameOfAStageAreOther() {
        assertEquals(Stage.OTHER, stage(List.of("jdk.internal.misc.Unsafe.park", "java.util.concurrent.locks.LockSupport.parkNanos",
                "java.util.concurrent.ForkJoinPool.runWorker", "java.util.concurrent.ForkJoinWorkerThread.run"), List.of()));
        assertEquals(Stage.OTHER, ProfileSummary.classify(List.of()));
        // Tether code outside a message's way (here the handshake) ends the search as other
        assertEquals(Stage.OTHER, stage(List.of("java.util.Base64$Encoder.encode",
                "dev.tether.driver.handshake.AcceptKey.of", "dev.tether.servlet.WebSocketServlet.service"),
                List.of("org.eclipse.jetty.ee10.servlet.ServletHolder.handle")));
    }

    @Test
    void permessageDeflateIsExtensions() {
        assertEquals(Stage.EXTENSIONS, stage(List.of("java.util.zip.Inflater.inflate",
                "dev.tether.extension.deflate.Decompressor.inflate", "dev.tether.extension.deflate.DeflateSession.incoming",
                HYBI + "InboundMessages.payload"), JETTY_READ));
    }
}

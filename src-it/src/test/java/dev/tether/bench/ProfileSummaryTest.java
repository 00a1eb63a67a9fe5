package dev.tether.bench;

import dev.tether.bench.ProfileSummary.Side;
import dev.tether.bench.ProfileSummary.Stage;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The profile's stages, specified by stacks (innermost frame first) as JFR records them on Jetty and
 * Tomcat, and in Tether's client.
 */
class ProfileSummaryTest {
    private static final String HYBI = "dev.tether.driver.hybi.";
    private static final String CONN = "dev.tether.runtime.connection.";
    private static final String NIO = "dev.tether.client.nio.";
    private static final String POOL = "java.util.concurrent.ThreadPoolExecutor";
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

    /** Tether's client reading, on the runtime's executor (as recorded in C1 on tether). */
    private static final List<String> CLIENT_READ = List.of(
            CONN + "TransportSide.onInput",
            NIO + "SocketTransport.readSocket",
            NIO + "SocketTransport.readWhileWanted",
            NIO + "SocketTransport.readRounds",
            NIO + "SocketTransport$$Lambda$45+0x00007f325c01c460.1039479305.run",
            POOL + ".runWorker",
            POOL + "$Worker.run",
            "java.lang.Thread.run");
    /** The client benchmark's send, called from its listener while the runtime delivers a binary message (C1, tether). */
    private static final List<String> CLIENT_ECHO_SEND = concat(List.of(
            CONN + "WebSocketConnection.send",
            CONN + "WebSocketConnection.send",
            "dev.tether.bench.client.TetherDriver$Socket.send",
            "dev.tether.bench.client.ClientProcess$Echo.onMessage",
            "dev.tether.bench.client.TetherDriver$Socket.onBinary",
            CONN + "ConnectionEvents.lambda$onBinary$4",
            CONN + "ConnectionEvents$$Lambda$74+0x00007f325c024400.1304460401.run",
            CONN + "WebSocketConnection.deliver",
            CONN + "ConnectionEvents.lambda$onBinary$5",
            CONN + "ConnectionEvents$$Lambda$71+0x00007f325c025c70.741829719.run",
            "dev.tether.runtime.io.SerialEvents.drainClaimed",
            "dev.tether.runtime.io.SerialEvents.drain",
            CONN + "WebSocketConnection.deliverEvents",
            CONN + "WebSocketConnection.afterUnlock"), CLIENT_READ);
    /** The client's selector thread, in the JDK's select (C1, tether). */
    private static final List<String> CLIENT_SELECT = List.of(
            "sun.nio.ch.SelectorImpl.select",
            NIO + "SelectorLoop.run",
            NIO + "SelectorLoop$$Lambda$13+0x00007f325c006ab0.2047329716.run",
            "java.lang.Thread.run");
    /** The client's selector handing a ready socket to its transport (C1, tether). */
    private static final List<String> CLIENT_READY = concat(List.of(
            NIO + "SocketTransport.onReady",
            NIO + "SelectorLoop.ready",
            NIO + "SelectorLoop$$Lambda$15+0x00007f325c006cd8.638081914.accept",
            "sun.nio.ch.SelectorImpl.processReadyEvents",
            "sun.nio.ch.EPollSelectorImpl.processEvents",
            "sun.nio.ch.EPollSelectorImpl.doSelect",
            "sun.nio.ch.SelectorImpl.lockAndDoSelect"), CLIENT_SELECT);
    /** The batch a client's read ends with, written on the reading thread (C1, tether). */
    private static final List<String> CLIENT_FLUSH = concat(List.of(
            NIO + "SocketWrites.flushLocked",
            NIO + "SocketWrites.write",
            NIO + "SocketTransport.write",
            "dev.tether.runtime.io.OutboundQueue.flushBatchNow",
            "dev.tether.runtime.io.OutboundQueue.flush",
            "dev.tether.runtime.io.OutboundQueue.endBatch"), CLIENT_READ);

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

    // ---- Tether's client

    @Test
    void theClientsStagesAreNamedForTheClient() {
        assertEquals("mask", Stage.UNMASK.label(Side.CLIENT));
        assertEquals("unmask", Stage.UNMASK.label(Side.SERVER));
        assertFalse(Stage.CONTAINER.on(Side.CLIENT));
        assertTrue(Stage.TLS.on(Side.CLIENT));
        assertFalse(Stage.TLS.on(Side.SERVER));
        assertEquals("container", Stage.CONTAINER.label(Side.CLIENT)); // if a sample lands there all the same
        for (Stage stage : Stage.values()) {
            assertTrue(stage.on(Side.SERVER) || stage.on(Side.CLIENT), stage.name());
        }
    }

    @Test
    void theClientsReadLoopIsRead() {
        assertEquals(Stage.READ, stage(List.of(), CLIENT_READ.subList(1, CLIENT_READ.size())));
        assertEquals(Stage.READ, stage(List.of("java.lang.ThreadLocal.get", NIO + "SocketTransport.readBuffer"),
                CLIENT_READ.subList(1, CLIENT_READ.size())));
        // whether TLS is handshaking, asked on every turn with no TLS at all: the read loop's cost
        assertEquals(Stage.READ, stage(List.of("dev.tether.client.tls.TlsStack.handshaking"),
                CLIENT_READ.subList(2, CLIENT_READ.size())));
        // asking the selector for OP_READ: the selector's interest is a helper, the JDK's key is JDK I/O
        List<String> interest = concat(List.of(NIO + "SelectorLoop.interest"), CLIENT_READ.subList(1, CLIENT_READ.size()));
        assertEquals(Stage.READ, stage(List.of(), interest));
        assertEquals(Stage.JDK_IO, stage(List.of("sun.nio.ch.EPollSelectorImpl.setEventOps",
                "sun.nio.ch.SelectionKeyImpl.interestOpsOr"), interest));
        assertEquals(Stage.JDK_IO, stage(List.of("sun.nio.ch.SocketDispatcher.read", "sun.nio.ch.IOUtil.readIntoNativeBuffer",
                "sun.nio.ch.IOUtil.read", "sun.nio.ch.SocketChannelImpl.read"), CLIENT_READ.subList(1, CLIENT_READ.size())));
        // the runtime under it is the same as on a server
        assertEquals(Stage.PARSE, stage(List.of(HYBI + "FrameParser.readPayload", HYBI + "FrameParser.parse",
                HYBI + "HybiDriver.parse"), CLIENT_READ));
        assertEquals(Stage.MESSAGE, stage(List.of(HYBI + "MessageAssembler.deliver", HYBI + "MessageAssembler.frameEnd",
                HYBI + "InboundMessages.frameEnd", HYBI + "HybiDriver$Frames.dataFrameEnd", HYBI + "FrameParser.endFrame",
                HYBI + "FrameParser.readPayload", HYBI + "FrameParser.parse", HYBI + "HybiDriver.parse"), CLIENT_READ));
        assertEquals(Stage.READ, stage(List.of(), CLIENT_READ));
    }

    @Test
    void theClientsSelectorIsReadAndTheJdksSelectorIsJdkIo() {
        assertEquals(Stage.READ, stage(List.of(), CLIENT_READY));
        assertEquals(Stage.READ, stage(List.of(NIO + "SelectorLoop.runTasks"), CLIENT_SELECT.subList(1, CLIENT_SELECT.size())));
        assertEquals(Stage.JDK_IO, stage(List.of("java.lang.invoke.VarHandleGuards.guard_LI_I",
                "sun.nio.ch.SelectionKeyImpl.interestOpsAnd"), CLIENT_READY));
        assertEquals(Stage.JDK_IO, stage(List.of("java.lang.Integer.equals", "java.util.HashMap.putVal",
                "java.util.HashMap.putIfAbsent", "sun.nio.ch.EPollSelectorImpl.processUpdateQueue",
                "sun.nio.ch.EPollSelectorImpl.doSelect", "sun.nio.ch.SelectorImpl.lockAndDoSelect"), CLIENT_SELECT));
        // a readable socket handed to the executor: the hand-over is the read's
        assertEquals(Stage.READ, stage(List.of("java.util.concurrent.SynchronousQueue.offer", POOL + ".execute",
                NIO + "SocketTransport.execute", NIO + "SocketTransport.read"), CLIENT_READY));
        // a writable one: the flush it has the executor run is the write's
        assertEquals(Stage.WRITE, stage(List.of(NIO + "SocketWrites.flushLocked", NIO + "SocketWrites.flushWhenWritable",
                NIO + "SocketTransport$$Lambda$88+0x00007f325c031a08.1147805916.run", POOL + ".runWorker",
                POOL + "$Worker.run"), List.of("java.lang.Thread.run")));
        // the executor's own frames, waiting for or spinning on a task, are no stage's
        assertEquals(Stage.OTHER, stage(List.of("java.util.concurrent.SynchronousQueue$TransferStack.transfer",
                "java.util.concurrent.SynchronousQueue.poll", POOL + ".getTask", POOL + ".runWorker", POOL + "$Worker.run"),
                List.of("java.lang.Thread.run")));
    }

    @Test
    void theClientsWritesAreWriteTheirCompletionsQueueAndTheSocketJdkIo() {
        assertEquals(Stage.WRITE, stage(List.of(), CLIENT_FLUSH));
        assertEquals(Stage.WRITE, stage(List.of(NIO + "SocketWrites$PendingWrite.done"), CLIENT_FLUSH));
        assertEquals(Stage.JDK_IO, stage(List.of("java.nio.ByteBuffer.putBuffer", "java.nio.ByteBuffer.put",
                "sun.nio.ch.IOUtil.write", "sun.nio.ch.IOUtil.write", "sun.nio.ch.SocketChannelImpl.write",
                "java.nio.channels.SocketChannel.write"), CLIENT_FLUSH));
        assertEquals(Stage.QUEUE, stage(List.of("java.util.concurrent.CompletableFuture$UniWhenComplete.tryFire",
                "java.util.concurrent.CompletableFuture.postComplete", "java.util.concurrent.CompletableFuture.complete",
                "dev.tether.runtime.io.SendStage.complete", "dev.tether.runtime.io.SendStage.settle",
                "dev.tether.runtime.io.OutboundQueue$Callback.written", NIO + "SocketWrites.complete"),
                CLIENT_FLUSH.subList(1, CLIENT_FLUSH.size())));
        assertEquals(Stage.QUEUE, stage(List.of("dev.tether.runtime.io.OutboundQueue.peek",
                "dev.tether.runtime.io.OutboundQueue.nextWrite"), CLIENT_FLUSH.subList(3, CLIENT_FLUSH.size())));
        // whether the socket takes direct buffers (no TLS): the write's question
        assertEquals(Stage.WRITE, stage(List.of("dev.tether.client.tls.TlsStack.isEmpty", NIO + "SocketTransport.lambda$write$0",
                NIO + "SocketWrites.write"), CLIENT_FLUSH.subList(2, CLIENT_FLUSH.size())));
    }

    @Test
    void theClientsSendIsQueueAndItsBackpressureCheckToo() {
        assertEquals(Stage.QUEUE, stage(List.of(), CLIENT_ECHO_SEND));
        assertEquals(Stage.QUEUE, stage(List.of(CONN + "WebSocketConnection.bufferedAmount", CONN + "MessageSender.overflows",
                CONN + "MessageSender.send", CONN + "WebSocketConnection.sendData", CONN + "WebSocketConnection.sendBinary"),
                CLIENT_ECHO_SEND));
        assertEquals(Stage.APPLICATION, stage(List.of(), CLIENT_ECHO_SEND.subList(3, CLIENT_ECHO_SEND.size())));
        assertEquals(Stage.MESSAGE, stage(List.of("java.lang.invoke.VarHandleGuards.guard_LI_I"),
                CLIENT_ECHO_SEND.subList(10, CLIENT_ECHO_SEND.size())));
    }

    @Test
    void theClientMasksWhatItSendsWithKeysFromSecureRandom() {
        List<String> frame = concat(List.of(HYBI + "FrameWriter.write", HYBI + "OutboundMessages.writeFrames",
                HYBI + "OutboundMessages.message", HYBI + "HybiDriver.message", HYBI + "HybiDriver.binary",
                CONN + "WebSocketConnection.lambda$sendBinary$2",
                CONN + "WebSocketConnection$$Lambda$67+0x00007f325c027130.274064559.test",
                CONN + "MessageSender.writeMessage", CONN + "MessageSender.dispatch", CONN + "MessageSender.send",
                CONN + "WebSocketConnection.sendData", CONN + "WebSocketConnection.sendBinary"), CLIENT_ECHO_SEND);
        assertEquals(Stage.WRITE, stage(List.of(), frame));
        // as recorded in C2: the copy the masking makes of a 1 MiB payload
        assertEquals(Stage.UNMASK, stage(List.of("jdk.internal.misc.Unsafe.putLongUnaligned",
                "java.lang.invoke.VarHandleByteArrayAsLongs$ArrayHandle.set", "java.lang.invoke.VarHandleGuards.guard_LIJ_V",
                HYBI + "Masking.xor", HYBI + "Masking.mask"), frame));
        // as recorded in C1: a batch of masking keys
        assertEquals(Stage.UNMASK, stage(List.of("sun.security.provider.DigestBase.engineDigest",
                "java.security.MessageDigest.digest", "sun.security.provider.SecureRandom.engineNextBytes",
                "sun.security.provider.NativePRNG$RandomIO.implNextBytes", "sun.security.provider.NativePRNG.engineNextBytes",
                "java.security.SecureRandom.nextBytes", "dev.tether.client.connect.MaskKeys.getAsInt"), frame));
        // the handshake's key from the same SecureRandom is the connect step's
        assertEquals(Stage.OTHER, stage(List.of("java.security.SecureRandom.nextBytes",
                "dev.tether.handshake.ClientHandshake.<init>", "dev.tether.client.connect.ConnectAttempt.<init>",
                "dev.tether.client.WebSocketClient.attempt"), List.of("java.lang.Thread.run")));
    }

    @Test
    void theClientsTlsSessionsAreTlsWithTheJdksCodeUnderThem() {
        // not recorded: the client benchmark runs ws:// (these are the client's wss:// paths, and the JDK's frames under them)
        assertEquals(Stage.TLS, stage(List.of("com.sun.crypto.provider.GHASH.processBlocks",
                "com.sun.crypto.provider.GaloisCounterMode$GCMEngine.doLastBlock",
                "javax.crypto.Cipher.doFinal", "sun.security.ssl.SSLCipher$T13GcmReadCipherGenerator$GcmReadCipher.decrypt",
                "sun.security.ssl.SSLEngineInputRecord.decodeInputRecord", "sun.security.ssl.SSLEngineImpl.unwrap",
                "javax.net.ssl.SSLEngine.unwrap", "dev.tether.client.tls.TlsLayer.unwrap",
                "dev.tether.client.tls.TlsStack.decode", NIO + "SocketTransport.deliverDecoded"),
                CLIENT_READ.subList(2, CLIENT_READ.size())));
        assertEquals(Stage.TLS, stage(List.of("sun.security.ssl.SSLEngineImpl.wrap", "javax.net.ssl.SSLEngine.wrap",
                "dev.tether.client.tls.TlsLayer.wrap", "dev.tether.client.tls.TlsStack.encode",
                NIO + "SocketTransport.lambda$write$0", NIO + "SocketTransport$$Lambda$90+0x00007f325c0320b8.1234.make",
                NIO + "SocketWrites.write"), CLIENT_FLUSH.subList(2, CLIENT_FLUSH.size())));
        assertEquals(Stage.TLS, stage(List.of("dev.tether.client.tls.TlsStack.handshakeBytes",
                NIO + "SocketTransport.lambda$sendHandshake$1", NIO + "SocketWrites.send", NIO + "SocketTransport.sendHandshake"),
                CLIENT_READ.subList(2, CLIENT_READ.size())));
        // the read loop delivering what TLS decoded is still the read's
        assertEquals(Stage.READ, stage(List.of(NIO + "SocketTransport.deliverDecoded"), CLIENT_READ.subList(2, CLIENT_READ.size())));
    }

    @Test
    void theClientsConnectingAndClosingAreOther() {
        // as recorded in C1: registering a new socket with the selector, and the upgrade after the TCP connect
        assertEquals(Stage.OTHER, stage(List.of("java.util.concurrent.ConcurrentLinkedQueue.add", NIO + "SelectorLoop.execute",
                NIO + "SelectorLoop.register", "dev.tether.client.connect.TcpConnect.connectNext",
                "dev.tether.client.connect.TcpConnect.resolve"), List.of(POOL + ".runWorker", "java.lang.Thread.run")));
        assertEquals(Stage.OTHER, stage(List.of("jdk.internal.misc.Unsafe.copyMemory", "dev.tether.client.connect.ConnectAttempt.upgrade",
                "dev.tether.client.connect.ConnectAttempt.connected", "dev.tether.client.connect.TcpConnect.handOn"),
                List.of(POOL + ".runWorker", "java.lang.Thread.run")));
        assertEquals(Stage.OTHER, stage(List.of(NIO + "SocketTransport.closeChannel", NIO + "SocketTransport.afterFin",
                NIO + "SocketTransport$1.outputShut", NIO + "SocketWrites.flushLocked"), CLIENT_FLUSH.subList(2, CLIENT_FLUSH.size())));
        assertEquals(Stage.OTHER, stage(List.of(NIO + "SocketWrites.close", NIO + "SocketTransport.close",
                "dev.tether.runtime.connection.TransportSide.close"), List.of("java.lang.Thread.run")));
        // after our FIN, the selector dropping what still comes: closing, though the JDK's read in it is JDK I/O
        assertEquals(Stage.OTHER, stage(List.of("java.nio.Buffer.clear", NIO + "SocketTransport.drain"), CLIENT_READY));
        assertEquals(Stage.JDK_IO, stage(List.of("sun.nio.ch.SocketChannelImpl.read", NIO + "SocketTransport.drain"),
                CLIENT_READY));
    }
}

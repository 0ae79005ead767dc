package org.tidbcdc.routes.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A TCP proxy in front of a MySQL-protocol server that can stop reading one large statement part-way through: what
 * the client sees when the database freezes, or the network goes dark, while it sends a statement. The kernel takes
 * the client's bytes until the socket buffers are full, and then the client's write blocks. A stopped or frozen
 * server cannot make that happen on purpose; this picks the moment exactly, by following the protocol's packet
 * headers (3 bytes of length, 1 of sequence) from the client.
 */
public final class StallingProxy implements AutoCloseable {

    /** Small, so that the client's own send buffer is what fills up. */
    private static final int RECEIVE_BUFFER = 32 * 1024;

    private final ServerSocket listener;
    private final int targetPort;
    private final int largePacket;
    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "stalling-proxy");
        t.setDaemon(true);
        return t;
    });
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicBoolean armed = new AtomicBoolean();
    private volatile CountDownLatch stalled = new CountDownLatch(1);
    private volatile CountDownLatch released = new CountDownLatch(0);

    private StallingProxy(ServerSocket listener, int targetPort, int largePacket) {
        this.listener = listener;
        this.targetPort = targetPort;
        this.largePacket = largePacket;
    }

    /**
     * A proxy to {@code 127.0.0.1:targetPort}. The packets it can stall are at least {@link #largePacket()} bytes: so
     * much more than the kernel lets a client's socket buffer that the client's write of one must block.
     */
    public static StallingProxy start(int targetPort) throws IOException {
        ServerSocket listener = new ServerSocket();
        listener.setReceiveBufferSize(RECEIVE_BUFFER);
        listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        StallingProxy proxy = new StallingProxy(listener, targetPort, maxSendBuffer() + (2 << 20));
        proxy.threads.execute(proxy::accept);
        return proxy;
    }

    /**
     * The third field of tcp_wmem: how far Linux grows a socket's send buffer (4 MiB by default). Read by lines: /proc
     * reports a size of 0, and Files.readString then reads nothing.
     */
    private static int maxSendBuffer() throws IOException {
        String[] wmem = Files.readAllLines(Path.of("/proc/sys/net/ipv4/tcp_wmem")).get(0).trim().split("\\s+");
        return Integer.parseInt(wmem[2]);
    }

    public int largePacket() {
        return largePacket;
    }

    public String jdbcUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + listener.getLocalPort() + "/" + database;
    }

    /**
     * The next client packet of at least the large size, on any connection, is forwarded as far as its first read
     * and then no further byte of that connection is read until {@link #release()}. Other connections go on.
     */
    public void stallNextLargePacket() {
        stalled = new CountDownLatch(1);
        released = new CountDownLatch(1);
        armed.set(true);
    }

    public boolean awaitStalled(Duration timeout) throws InterruptedException {
        return stalled.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Whether a stall has begun and not been released. */
    public boolean isStalling() {
        return stalled.getCount() == 0 && released.getCount() > 0;
    }

    public void release() {
        released.countDown();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                sockets.add(client);
                Socket server;
                try {
                    server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                } catch (IOException refused) {
                    // as the server itself would: the client's connection ends at once
                    client.close();
                    continue;
                }
                sockets.add(server);
                threads.execute(() -> pump(client, server, true));
                threads.execute(() -> pump(server, client, false));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        byte[] buf = new byte[64 * 1024];
        byte[] header = new byte[4];
        int headerRead = 0;
        long payloadLeft = 0;
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buf)) > 0) {
                boolean stall = false;
                for (int i = 0; fromClient && i < n; ) {
                    if (payloadLeft > 0) {
                        int take = (int) Math.min(payloadLeft, n - i);
                        i += take;
                        payloadLeft -= take;
                    } else {
                        header[headerRead++] = buf[i++];
                        if (headerRead == header.length) {
                            headerRead = 0;
                            payloadLeft = (header[0] & 0xff) | (header[1] & 0xff) << 8 | (header[2] & 0xff) << 16;
                            stall |= payloadLeft >= largePacket && armed.compareAndSet(true, false);
                        }
                    }
                }
                out.write(buf, 0, n);
                out.flush();
                if (stall) {
                    stalled.countDown();
                    released.await();
                }
            }
        } catch (IOException e) {
            // either side went away: closing both (try-with-resources) ends the other direction too
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws IOException {
        release();
        listener.close();
        for (Socket s : sockets) {
            s.close();
        }
        threads.shutdownNow();
    }
}

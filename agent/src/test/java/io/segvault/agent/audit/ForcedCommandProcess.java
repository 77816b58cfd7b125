package io.segvault.agent.audit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;

/**
 * An SSH exec or shell request served by a local process, as OpenSSH serves it: {@code sh -c COMMAND} with the
 * channel's stdin, stdout and stderr piped to the process, and the process's exit code as the exit status.
 */
final class ForcedCommandProcess implements Command {

    private final List<String> argv;
    private final Consumer<Map<String, String>> environment;
    private InputStream in;
    private OutputStream out;
    private OutputStream err;
    private ExitCallback exit;
    private Process process;

    /** @param environment adjusts the process environment (which starts as this JVM's) */
    ForcedCommandProcess(List<String> argv, Consumer<Map<String, String>> environment) {
        this.argv = List.copyOf(argv);
        this.environment = environment;
    }

    @Override
    public void setInputStream(InputStream in) {
        this.in = in;
    }

    @Override
    public void setOutputStream(OutputStream out) {
        this.out = out;
    }

    @Override
    public void setErrorStream(OutputStream err) {
        this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback exit) {
        this.exit = exit;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(argv);
        environment.accept(pb.environment());
        process = pb.start();
        Thread stdin = pump("stdin", in, process.getOutputStream(), true);
        Thread stdout = pump("stdout", process.getInputStream(), out, false);
        Thread stderr = pump("stderr", process.getErrorStream(), err, false);
        Thread waiter = new Thread(() -> {
            try {
                int code = process.waitFor();
                stdout.join();
                stderr.join();
                stdin.interrupt();
                exit.onExit(code);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                exit.onExit(255, "interrupted");
            }
        }, "forced-command-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    /** Copies until end of input; flushes after every read so borg's request/response protocol never stalls. */
    private static Thread pump(String name, InputStream from, OutputStream to, boolean closeTarget) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[64 * 1024];
            try {
                for (int n = from.read(buf); n >= 0; n = from.read(buf)) {
                    to.write(buf, 0, n);
                    to.flush();
                }
            } catch (IOException e) {
                // the other side is gone (process exited or channel closed): nothing left to copy
            } finally {
                if (closeTarget) {
                    try {
                        to.close();
                    } catch (IOException ignored) {
                        // already closed
                    }
                }
            }
        }, "forced-command-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    @Override
    public void destroy(ChannelSession channel) {
        if (process != null) {
            process.destroyForcibly();
        }
    }
}

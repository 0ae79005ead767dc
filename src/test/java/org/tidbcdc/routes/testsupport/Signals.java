package org.tidbcdc.routes.testsupport;

import java.io.IOException;

/** POSIX signals to a process of a test part, through kill(1), which every machine the tests run on has. */
final class Signals {

    private Signals() {
    }

    /** Sends SIG{@code name} (STOP, CONT…) to the process and waits for kill to confirm it. */
    static void send(String name, long pid, String what) {
        if (pid < 0) {
            throw new IllegalStateException("no " + what + " process to send SIG" + name);
        }
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(pid)).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + pid + " (" + what + ") exited with "
                        + kill.exitValue());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}

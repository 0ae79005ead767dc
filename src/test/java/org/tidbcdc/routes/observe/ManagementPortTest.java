package org.tidbcdc.routes.observe;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.net.ServerSocket;

import org.junit.jupiter.api.Test;

class ManagementPortTest {

    @Test
    void aPortAnotherProcessListensOnStopsStartupNamingManagementPort() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress("0.0.0.0", 0));
            int port = taken.getLocalPort();
            assertThatThrownBy(() -> ManagementPort.checkFree("0.0.0.0", String.valueOf(port)))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("MANAGEMENT_PORT: cannot listen on 0.0.0.0:" + port)
                    .hasMessageContaining("set MANAGEMENT_PORT to a free port");
        }
    }

    @Test
    void aFreePortAndZeroPassAndStayFree() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertThatCode(() -> ManagementPort.checkFree("0.0.0.0", String.valueOf(port))).doesNotThrowAnyException();
        // the probe let go of it: the management server can bind it next
        try (ServerSocket server = new ServerSocket()) {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress("0.0.0.0", port));
        }
        assertThatCode(() -> ManagementPort.checkFree("0.0.0.0", "0")).doesNotThrowAnyException();
    }

    @Test
    void aValueThatIsNoPortNamesTheSetting() {
        assertThatThrownBy(() -> ManagementPort.checkFree("0.0.0.0", "80a"))
                .hasMessage("MANAGEMENT_PORT: expected a whole number, got '80a'");
        assertThatThrownBy(() -> ManagementPort.checkFree("0.0.0.0", "70000"))
                .hasMessage("MANAGEMENT_PORT: must be at most 65535, got 70000");
        assertThatThrownBy(() -> ManagementPort.checkFree("0.0.0.0", "-1"))
                .hasMessage("MANAGEMENT_PORT: must be at least 0, got -1");
    }
}

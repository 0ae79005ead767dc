package org.tidbcdc.routes.ticdc;

/** The parts of the cluster the control plane polls; each is one health check. */
public enum Component {
    PD("pd", "PD"),
    TIDB("tidb", "TiDB"),
    TICDC("ticdc", "TiCDC");

    private final String checkId;
    private final String displayName;

    Component(String checkId, String displayName) {
        this.checkId = checkId;
        this.displayName = displayName;
    }

    public String checkId() {
        return checkId;
    }

    public String displayName() {
        return displayName;
    }
}

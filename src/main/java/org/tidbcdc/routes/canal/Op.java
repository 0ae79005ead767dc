package org.tidbcdc.routes.canal;

/** The kind of change a record carries. Canal's DDL types travel separately in {@link ChangeEvent#ddlType()}. */
public enum Op {
    INSERT, UPDATE, DELETE, DDL
}

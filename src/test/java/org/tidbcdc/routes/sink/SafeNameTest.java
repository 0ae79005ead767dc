package org.tidbcdc.routes.sink;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SafeNameTest {

    @Test
    void ordinaryNamesAreKept() {
        assertThat(SafeName.of("app_db")).isEqualTo("app_db");
        assertThat(SafeName.of("Users-2024$x")).isEqualTo("Users-2024$x");
    }

    @Test
    void separatorsAndDotsAreEncodedSoNoNameCanLeaveItsFolder() {
        assertThat(SafeName.of("..")).isEqualTo("%2E%2E");
        assertThat(SafeName.of("../../etc/passwd")).isEqualTo("%2E%2E%2F%2E%2E%2Fetc%2Fpasswd");
        assertThat(SafeName.of("a\\b")).isEqualTo("a%5Cb");
        assertThat(SafeName.of("nul\0")).isEqualTo("nul%00");
        assertThat(SafeName.of("")).isEqualTo("%00");
    }

    @Test
    void aLeadingUnderscoreIsEncodedSoNoTableCanPoseAsTheSchemaLevelFolder() {
        assertThat(SafeName.of("_database")).isEqualTo("%5Fdatabase");
        assertThat(SafeName.of("a_b")).isEqualTo("a_b");
    }

    @Test
    void nonAsciiNamesAreEncodedAsUtf8() {
        assertThat(SafeName.of("表")).isEqualTo("%E8%A1%A8");
    }

    @Test
    void overlongNamesAreCutAndStayDistinct() {
        String a = SafeName.of("x".repeat(300) + "a");
        String b = SafeName.of("x".repeat(300) + "b");
        assertThat(a).hasSize(SafeName.MAX_SEGMENT).isNotEqualTo(b);
    }
}

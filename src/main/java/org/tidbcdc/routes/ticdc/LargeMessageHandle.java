package org.tidbcdc.routes.ticdc;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.tidbcdc.routes.canal.ValueCompression;

/**
 * What TiCDC does with a row whose message exceeds the sink's {@code max-message-bytes}: fail the changefeed
 * ({@code none}), send the handle key only ({@code handle-key-only}), or store the full message at
 * {@code claimCheckStorageUri} and send the handle key with its location ({@code claim-check}); and how it compresses
 * every record ({@code compression}: none, lz4, snappy).
 */
public record LargeMessageHandle(String option, String claimCheckStorageUri, String compression) {

    private static final Set<String> OPTIONS = Set.of("none", "handle-key-only", "claim-check");
    private static final String CLAIM_CHECK = "claim-check";

    /**
     * @param compression already validated ({@link ValueCompression#of}), since the consumer reads with it too
     * @throws IllegalArgumentException naming CHANGEFEED_LARGE_MESSAGE or CHANGEFEED_CLAIM_CHECK_STORAGE_URI, for
     *                                  settings TiCDC would refuse or that contradict each other
     */
    public static LargeMessageHandle of(String option, String claimCheckStorageUri, ValueCompression compression) {
        if (!OPTIONS.contains(option)) {
            throw new IllegalArgumentException("CHANGEFEED_LARGE_MESSAGE '" + option + "' is none of "
                    + String.join(", ", new TreeSet<>(OPTIONS)));
        }
        String storage = claimCheckStorageUri == null ? "" : claimCheckStorageUri.strip();
        if (!CLAIM_CHECK.equals(option)) {
            if (!storage.isEmpty()) {
                throw new IllegalArgumentException("CHANGEFEED_CLAIM_CHECK_STORAGE_URI is set, but"
                        + " CHANGEFEED_LARGE_MESSAGE is '" + option + "', not claim-check");
            }
            return new LargeMessageHandle(option, null, compression.setting());
        }
        if (!hasScheme(storage)) {
            throw new IllegalArgumentException("CHANGEFEED_CLAIM_CHECK_STORAGE_URI must be the external storage TiCDC"
                    + " writes claim-check objects to, such as s3://bucket/prefix or file:///data/claim-check, when"
                    + " CHANGEFEED_LARGE_MESSAGE is claim-check; got '" + storage + "'");
        }
        return new LargeMessageHandle(option, storage, compression.setting());
    }

    private static boolean hasScheme(String uri) {
        try {
            URI parsed = new URI(uri);
            return parsed.getScheme() != null && uri.startsWith(parsed.getScheme() + "://")
                    && uri.length() > parsed.getScheme().length() + 3;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /** What TiCDC reports for a changefeed, as drift from this. */
    List<String> differencesFrom(LargeMessageHandle actual) {
        List<String> drift = new ArrayList<>();
        if (!option.equals(actual.option)) {
            drift.add("large message handle is " + actual.option + ", expected " + option);
        } else if (CLAIM_CHECK.equals(option)
                && !Objects.equals(withoutQuery(claimCheckStorageUri), withoutQuery(actual.claimCheckStorageUri))) {
            drift.add("claim-check storage is " + withoutQuery(actual.claimCheckStorageUri) + ", expected "
                    + withoutQuery(claimCheckStorageUri));
        }
        if (!compression.equals(actual.compression)) {
            drift.add("large message compression is " + actual.compression + ", expected " + compression
                    + ": TiCDC compresses every record with it, and the consumer reads them as"
                    + " CHANGEFEED_LARGE_MESSAGE_COMPRESSION says");
        }
        return drift;
    }

    /** Storage credentials are query parameters, and TiCDC masks them in what it reports. */
    private static String withoutQuery(String uri) {
        return uri == null ? null : uri.replaceFirst("\\?.*", "");
    }

    /** Fills {@code replica_config.sink.kafka_config.large_message_handle} of a create request. */
    void writeTo(ObjectNode largeMessageHandle) {
        largeMessageHandle.put("large_message_handle_option", option);
        if (claimCheckStorageUri != null) {
            largeMessageHandle.put("claim_check_storage_uri", claimCheckStorageUri);
        }
        if (!ValueCompression.NONE.setting().equals(compression)) {
            largeMessageHandle.put("large_message_handle_compression", compression);
        }
    }
}

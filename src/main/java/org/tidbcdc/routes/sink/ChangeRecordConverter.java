package org.tidbcdc.routes.sink;

import java.io.ByteArrayInputStream;
import java.io.InputStream;

import org.apache.camel.Exchange;
import org.apache.camel.TypeConversionException;
import org.apache.camel.TypeConverter;
import org.apache.camel.spi.TypeConverterRegistry;
import org.apache.camel.support.TypeConverterSupport;
import org.tidbcdc.routes.canal.ChangeEvent;

/**
 * Turns a change, the body of each message a custom sink splits out of its {@link ChangeList}, into the change record
 * the file sink writes: as a String, or as its UTF-8 bytes. The bytes are rendered once per change and decoded as
 * UTF-8, so neither {@code file.encoding} nor the exchange's charset can alter them.
 */
public final class ChangeRecordConverter extends TypeConverterSupport {

    /** Registers the conversions to String, byte[] and InputStream. */
    public static void register(TypeConverterRegistry registry) {
        TypeConverter converter = new ChangeRecordConverter();
        registry.addTypeConverter(String.class, ChangeEvent.class, converter);
        registry.addTypeConverter(byte[].class, ChangeEvent.class, converter);
        registry.addTypeConverter(InputStream.class, ChangeEvent.class, converter);
    }

    @Override
    public <T> T convertTo(Class<T> type, Exchange exchange, Object value) throws TypeConversionException {
        if (!(value instanceof ChangeEvent e)) {
            return null;
        }
        if (type == String.class) {
            return type.cast(e.json());
        }
        if (type == byte[].class) {
            // a copy: the change's own bytes are shared by every sink
            return type.cast(e.jsonBytes().clone());
        }
        if (type == InputStream.class) {
            return type.cast(new ByteArrayInputStream(e.jsonBytes()));
        }
        return null;
    }
}

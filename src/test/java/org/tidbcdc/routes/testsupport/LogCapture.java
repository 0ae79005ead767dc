package org.tidbcdc.routes.testsupport;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;

/** The lines one logger writes while a test runs. */
public final class LogCapture extends AbstractAppender implements AutoCloseable {

    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(Logger logger) {
        super("capture-" + logger.getName(), null, null, true, Property.EMPTY_ARRAY);
        this.logger = logger;
    }

    public static LogCapture of(String loggerName) {
        LogCapture capture = new LogCapture((Logger) LogManager.getLogger(loggerName));
        capture.start();
        capture.logger.addAppender(capture);
        // the logger config log4j adds for the appender must still pass lines on to the console
        capture.logger.setAdditive(true);
        return capture;
    }

    @Override
    public void append(LogEvent event) {
        lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
    }

    public List<String> lines() {
        return List.copyOf(lines);
    }

    public long count(String part) {
        return lines.stream().filter(line -> line.contains(part)).count();
    }

    @Override
    public void close() {
        logger.removeAppender(this);
        stop();
    }
}

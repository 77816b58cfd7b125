package io.segvault.agent.cli;

import io.segvault.core.config.Units;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A duration option ({@code 30s}, {@code 7d}, ...) in the config file's format ({@link Units#duration}). A value it
 * refuses is a usage error that {@link ErrorHandler#parameters} prints as {@code OPTION: reason}.
 */
public final class DurationConverter implements ITypeConverter<Duration> {

    @Override
    public Duration convert(String value) {
        try {
            return Units.duration(value);
        } catch (IllegalArgumentException e) {
            throw new BadValue(e.getMessage());
        }
    }

    /** A value one of segvault's converters refused; its message says why, without the option's name. */
    public static final class BadValue extends TypeConversionException {
        private static final long serialVersionUID = 1L;

        public BadValue(String message) {
            super(message);
        }
    }
}

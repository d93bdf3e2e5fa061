package io.rapport.cli;

import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** Turns an exception into the one line a user of the command line needs to read. */
final class FailureMessage {

    private FailureMessage() {}

    static String of(Throwable e) {
        return of(e, null);
    }

    /**
     * @param subject the path the surrounding message already names; not repeated
     */
    static String of(Throwable e, Path subject) {
        if (e instanceof CommandFailure f) {
            return f.getMessage();
        }
        if (e instanceof FileSystemException f) {
            var file = f.getFile();
            return file == null || (subject != null && Path.of(file).equals(subject))
                    ? reason(f)
                    : reason(f) + ": " + file;
        }
        var message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String reason(FileSystemException f) {
        if (f.getReason() != null) {
            return f.getReason();
        }
        return switch (f) {
            case AccessDeniedException a -> "permission denied";
            case FileAlreadyExistsException a -> "exists and is not a directory";
            case NoSuchFileException a -> "no such file or directory";
            case NotDirectoryException a -> "not a directory";
            default -> f.getClass().getSimpleName();
        };
    }

    /** A failure whose message is already written for the user. */
    static final class CommandFailure extends RuntimeException {
        CommandFailure(String message) {
            super(message, null, false, false);
        }
    }
}

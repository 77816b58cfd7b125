package io.segvault.terraform;

import java.nio.file.Path;

/** A Terraform/HCL file that does not parse; the message names the file and, where known, the line. */
final class HclSyntaxException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    HclSyntaxException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
        this.file = file;
    }

    Path file() {
        return file;
    }
}

package io.rapport.testing;

import java.nio.file.Files;
import java.nio.file.Path;

/** The public data sets in ../shared/data (never copied into the repository). */
public final class SharedData {

    private SharedData() {}

    public static Path dir() {
        String configured = System.getenv("RAPPORT_SHARED_DATA");
        Path dir = configured != null ? Path.of(configured) : Path.of("../../shared/data");
        if (!Files.isDirectory(dir)) {
            throw new IllegalStateException("Shared data not found at " + dir.toAbsolutePath()
                    + "; set RAPPORT_SHARED_DATA to the folder holding online_retail_full.csv.gz");
        }
        return dir;
    }

    public static Path file(String name) {
        return dir().resolve(name);
    }
}

package bluegreen.api;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the app learns from its environment (app.env, written by the host) and its release folder. */
record AppSettings(String app, String version, String color, int port, String databaseUrl) {

  static AppSettings fromEnvironment() throws IOException {
    // The release folder carries its own VERSION file, so the version never depends on how the
    // process was started.
    Path versionFile = Path.of(System.getProperty("bluegreen.release", "."), "VERSION");
    String version = Files.readString(versionFile).trim();
    return new AppSettings(
        env("BLUEGREEN_APP", "api"),
        version,
        env("BLUEGREEN_COLOR", "none"),
        Integer.parseInt(env("PORT", "8080")),
        env("DATABASE_URL", ""));
  }

  /** What the database sees as application_name, so connections can be counted per color. */
  String applicationName() {
    return app + "-" + color + "-" + version;
  }

  private static String env(String name, String fallback) {
    String value = System.getenv(name);
    return value == null || value.isEmpty() ? fallback : value;
  }
}

package bluegreen.api;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Failures the sample app shows on purpose, keyed on its version string, so a release can be
 * rehearsed going wrong: "broken" exits at start-up, "flaky" answers 20 % of requests with 500.
 */
final class SampleFaults {
  private final String version;

  SampleFaults(String version) {
    this.version = version;
  }

  boolean failsAtStartup() {
    return version.contains("broken");
  }

  /** The health endpoint is spared so the deploy succeeds and the canary has to notice. */
  boolean failsThisRequest(String path) {
    return version.contains("flaky")
        && !path.equals("/health")
        && ThreadLocalRandom.current().nextInt(100) < 20;
  }
}

package bluegreen.api;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/**
 * One shared PostgreSQL connection, opened lazily and reopened after a failure, so the service
 * starts (and stays healthy) while the database is briefly away. Like a pool, it gives the
 * connection back after a minute without use, so only leaked connections stay idle for long.
 */
final class Database {
  private static final long IDLE_CLOSE_MILLIS = 60_000;

  private final String jdbcUrl;
  private final Properties properties = new Properties();
  private Connection connection;
  private long lastUsed;

  Database(String databaseUrl, String applicationName) {
    if (databaseUrl.isEmpty()) throw new IllegalArgumentException("DATABASE_URL is not set");
    // postgres://user:password@host:5432/db -> jdbc:postgresql://host:5432/db + user/password
    URI uri = URI.create(databaseUrl);
    int port = uri.getPort() == -1 ? 5432 : uri.getPort();
    jdbcUrl = "jdbc:postgresql://" + uri.getHost() + ":" + port + uri.getPath();
    String userInfo = uri.getRawUserInfo() == null ? "" : uri.getRawUserInfo();
    int colon = userInfo.indexOf(':');
    properties.setProperty("user", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
    if (colon >= 0) properties.setProperty("password", decode(userInfo.substring(colon + 1)));
    properties.setProperty("ApplicationName", applicationName);
    properties.setProperty("connectTimeout", "3");
    properties.setProperty("socketTimeout", "10");
    Thread idleCloser = new Thread(this::closeWhenIdle, "db-idle-close");
    idleCloser.setDaemon(true);
    idleCloser.start();
  }

  interface Work<T> {
    T run(Connection connection) throws SQLException;
  }

  /** Runs work on the shared connection; a failed connection is dropped so the next call reopens it. */
  synchronized <T> T use(Work<T> work) throws SQLException {
    if (connection == null || connection.isClosed()) {
      connection = DriverManager.getConnection(jdbcUrl, properties);
    }
    lastUsed = System.currentTimeMillis();
    try {
      return work.run(connection);
    } catch (SQLException e) {
      if (!connection.isValid(1)) {
        closeQuietly();
      }
      throw e;
    }
  }

  /** Opens the connection in the background until it works, so the first request is quick. */
  void connectInBackground() {
    Thread thread = new Thread(() -> {
      for (int attempt = 1; ; attempt++) {
        try {
          use(c -> c.isValid(2));
          System.out.println("database connected as " + properties.getProperty("ApplicationName"));
          return;
        } catch (SQLException e) {
          System.out.println("database not reachable yet (attempt " + attempt + "): " + e.getMessage());
          try {
            Thread.sleep(Math.min(5000, 500L * attempt));
          } catch (InterruptedException interrupted) {
            return;
          }
        }
      }
    }, "db-connect");
    thread.setDaemon(true);
    thread.start();
  }

  private void closeWhenIdle() {
    while (true) {
      try {
        Thread.sleep(IDLE_CLOSE_MILLIS / 4);
      } catch (InterruptedException e) {
        return;
      }
      synchronized (this) {
        if (connection != null && System.currentTimeMillis() - lastUsed > IDLE_CLOSE_MILLIS) {
          closeQuietly();
        }
      }
    }
  }

  private void closeQuietly() {
    try {
      connection.close();
    } catch (SQLException ignored) {
      // The connection is being discarded because it already failed.
    }
    connection = null;
  }

  private static String decode(String value) {
    return URLDecoder.decode(value, StandardCharsets.UTF_8);
  }
}

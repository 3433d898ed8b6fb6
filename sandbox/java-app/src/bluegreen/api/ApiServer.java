package bluegreen.api;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/** The sample Java app (`api`): health, version and orders over the JDK's own HTTP server. */
public final class ApiServer {
  private final AppSettings settings;
  private final SampleFaults faults;
  private final OrdersStore orders;

  private ApiServer(AppSettings settings, OrdersStore orders) {
    this.settings = settings;
    this.faults = new SampleFaults(settings.version());
    this.orders = orders;
  }

  public static void main(String[] args) throws IOException {
    AppSettings settings = AppSettings.fromEnvironment();
    SampleFaults faults = new SampleFaults(settings.version());
    if (faults.failsAtStartup()) {
      System.out.println("version " + settings.version() + " is a broken sample build: exiting at start-up");
      System.exit(1);
    }
    Database database = new Database(settings.databaseUrl(), settings.applicationName());
    database.connectInBackground();
    ApiServer api = new ApiServer(settings, new OrdersStore(database, settings.applicationName()));

    // A deep accept queue: when this JVM is briefly starved of CPU (the other color's JVM starting
    // on the same machine), connections wait in the kernel instead of being dropped.
    HttpServer server = HttpServer.create(new InetSocketAddress(settings.port()), 1024);
    server.createContext("/", api::handle);
    server.setExecutor(Executors.newFixedThreadPool(8));
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(1)));
    server.start();
    System.out.println(settings.app() + " " + settings.version() + " (" + settings.color()
        + ") listening on port " + settings.port());
  }

  private void handle(HttpExchange exchange) throws IOException {
    try {
      exchange.getResponseHeaders().set("X-Bluegreen-Color", settings.color());
      exchange.getResponseHeaders().set("X-App-Version", settings.version());
      String method = exchange.getRequestMethod();
      String path = exchange.getRequestURI().getPath();
      if (faults.failsThisRequest(path)) {
        send(exchange, 500, error("flaky sample build: failing this request on purpose"));
        return;
      }
      switch (path) {
        case "/health" -> send(exchange, 200, Json.object(Map.of("status", "ok")));
        case "/api/version" -> send(exchange, 200, version());
        case "/api/orders" -> {
          if (method.equals("GET")) send(exchange, 200, Json.array(orders.recent(50)));
          else if (method.equals("POST")) createOrder(exchange);
          else {
            exchange.getResponseHeaders().set("Allow", "GET, POST");
            send(exchange, 405, error("method not allowed"));
          }
        }
        default -> send(exchange, 404, error("not found: " + path));
      }
    } catch (SQLException e) {
      send(exchange, 503, error("database unavailable: " + e.getMessage()));
    } catch (RuntimeException e) {
      send(exchange, 500, error(e.toString()));
    } finally {
      exchange.close();
    }
  }

  private String version() {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("app", settings.app());
    body.put("version", settings.version());
    body.put("color", settings.color());
    return Json.object(body);
  }

  private void createOrder(HttpExchange exchange) throws IOException, SQLException {
    String text = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    Map<String, Object> body;
    try {
      body = Json.parseObject(text);
    } catch (RuntimeException e) {
      send(exchange, 400, error("body must be a JSON object: " + e.getMessage()));
      return;
    }
    Object item = body.get("item");
    Object quantity = body.getOrDefault("quantity", 1.0);
    if (!(item instanceof String name) || name.isBlank() || name.length() > 200) {
      send(exchange, 400, error("item must be a non-empty string of at most 200 characters"));
      return;
    }
    if (!(quantity instanceof Double count) || count < 1 || count > 1000 || count % 1 != 0) {
      send(exchange, 400, error("quantity must be a whole number from 1 to 1000"));
      return;
    }
    send(exchange, 201, orders.create(name, count.intValue()));
  }

  private static String error(String message) {
    return Json.object(Map.of("error", message));
  }

  private static void send(HttpExchange exchange, int status, String json) throws IOException {
    byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }
}

package bluegreen.api;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The `orders` table shared by both colors and both apps (sandbox/db/init.sql). */
final class OrdersStore {
  private final Database database;
  private final String writer;

  OrdersStore(Database database, String writer) {
    this.database = database;
    this.writer = writer;
  }

  /** The newest orders first, as JSON objects. */
  List<String> recent(int limit) throws SQLException {
    return database.use(c -> {
      try (PreparedStatement query = c.prepareStatement(
          "SELECT id, item, quantity, created_by, created_at FROM orders ORDER BY id DESC LIMIT ?")) {
        query.setInt(1, limit);
        List<String> orders = new ArrayList<>();
        try (ResultSet rows = query.executeQuery()) {
          while (rows.next()) orders.add(Json.object(row(rows)));
        }
        return orders;
      }
    });
  }

  String create(String item, int quantity) throws SQLException {
    return database.use(c -> {
      try (PreparedStatement insert = c.prepareStatement(
          "INSERT INTO orders (item, quantity, created_by) VALUES (?, ?, ?)"
              + " RETURNING id, item, quantity, created_by, created_at")) {
        insert.setString(1, item);
        insert.setInt(2, quantity);
        insert.setString(3, writer);
        try (ResultSet rows = insert.executeQuery()) {
          rows.next();
          return Json.object(row(rows));
        }
      }
    });
  }

  private static Map<String, Object> row(ResultSet rows) throws SQLException {
    Map<String, Object> order = new LinkedHashMap<>();
    order.put("id", rows.getLong("id"));
    order.put("item", rows.getString("item"));
    order.put("quantity", rows.getInt("quantity"));
    order.put("createdBy", rows.getString("created_by"));
    order.put("createdAt", rows.getTimestamp("created_at").toInstant().toString());
    return order;
  }
}

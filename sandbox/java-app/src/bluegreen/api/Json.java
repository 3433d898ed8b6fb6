package bluegreen.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The little JSON this service speaks: flat objects of strings and numbers, and lists of them. */
final class Json {
  private Json() {}

  static String quote(String value) {
    StringBuilder out = new StringBuilder("\"");
    for (char c : value.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) out.append(String.format("\\u%04x", (int) c));
          else out.append(c);
        }
      }
    }
    return out.append('"').toString();
  }

  static String object(Map<String, ?> fields) {
    StringBuilder out = new StringBuilder("{");
    for (Map.Entry<String, ?> field : fields.entrySet()) {
      if (out.length() > 1) out.append(',');
      out.append(quote(field.getKey())).append(':');
      Object value = field.getValue();
      if (value == null) out.append("null");
      else if (value instanceof Number || value instanceof Boolean) out.append(value);
      else out.append(quote(value.toString()));
    }
    return out.append('}').toString();
  }

  static String array(List<String> encodedItems) {
    return "[" + String.join(",", encodedItems) + "]";
  }

  /** Parses a flat JSON object; nested values are refused. Numbers come back as Double. */
  static Map<String, Object> parseObject(String text) {
    Parser parser = new Parser(text);
    Map<String, Object> result = parser.object();
    parser.skipSpace();
    if (!parser.atEnd()) throw new IllegalArgumentException("trailing characters after the object");
    return result;
  }

  private static final class Parser {
    private final String text;
    private int at;

    Parser(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return at >= text.length();
    }

    void skipSpace() {
      while (!atEnd() && Character.isWhitespace(text.charAt(at))) at++;
    }

    void expect(char c) {
      skipSpace();
      if (atEnd() || text.charAt(at) != c) throw new IllegalArgumentException("expected '" + c + "' at " + at);
      at++;
    }

    Map<String, Object> object() {
      Map<String, Object> result = new LinkedHashMap<>();
      expect('{');
      skipSpace();
      if (!atEnd() && text.charAt(at) == '}') {
        at++;
        return result;
      }
      do {
        skipSpace();
        String key = string();
        expect(':');
        result.put(key, value());
        skipSpace();
      } while (!atEnd() && text.charAt(at++) == ',');
      if (text.charAt(at - 1) != '}') throw new IllegalArgumentException("expected '}' at " + (at - 1));
      return result;
    }

    Object value() {
      skipSpace();
      if (atEnd()) throw new IllegalArgumentException("missing value");
      char c = text.charAt(at);
      if (c == '"') return string();
      if (text.startsWith("null", at)) { at += 4; return null; }
      if (text.startsWith("true", at)) { at += 4; return Boolean.TRUE; }
      if (text.startsWith("false", at)) { at += 5; return Boolean.FALSE; }
      int start = at;
      while (!atEnd() && "+-0123456789.eE".indexOf(text.charAt(at)) >= 0) at++;
      if (start == at) throw new IllegalArgumentException("unsupported value at " + at);
      return Double.parseDouble(text.substring(start, at));
    }

    String string() {
      if (atEnd() || text.charAt(at) != '"') throw new IllegalArgumentException("expected a string at " + at);
      at++;
      StringBuilder out = new StringBuilder();
      while (true) {
        if (atEnd()) throw new IllegalArgumentException("unterminated string");
        char c = text.charAt(at++);
        if (c == '"') return out.toString();
        if (c != '\\') { out.append(c); continue; }
        char e = text.charAt(at++);
        switch (e) {
          case 'n' -> out.append('\n');
          case 't' -> out.append('\t');
          case 'r' -> out.append('\r');
          case 'b' -> out.append('\b');
          case 'f' -> out.append('\f');
          case 'u' -> { out.append((char) Integer.parseInt(text.substring(at, at + 4), 16)); at += 4; }
          default -> out.append(e);
        }
      }
    }
  }
}

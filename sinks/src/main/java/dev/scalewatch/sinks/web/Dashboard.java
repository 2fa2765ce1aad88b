package dev.scalewatch.sinks.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;

/**
 * The web dashboard's pages and assets, all from the jar: {@code GET /} (one page; the views are
 * hash routes), {@code /assets/{file}} (its script and style) and {@code /assets/uplot/{file}} (the
 * uPlot chart library from its WebJar). The page reads the JSON API and follows {@code /api/events}
 * ({@link ChangeFeed}). Only the files named here are served; anything else is a 404. Thread-safe.
 */
public final class Dashboard {

  /** The uPlot WebJar's coordinates: its version is read from the jar, never written twice. */
  private static final String UPLOT_POM = "/META-INF/maven/org.webjars.npm/uplot/pom.properties";

  private static final String OWN = "/dev/scalewatch/sinks/web/";

  private static final Map<String, String> OWN_ASSETS =
      Map.of(
          "app.js", "text/javascript",
          "charts.js", "text/javascript",
          "style.css", "text/css");

  private static final Map<String, String> UPLOT_ASSETS =
      Map.of(
          "uPlot.iife.min.js", "text/javascript",
          "uPlot.min.css", "text/css");

  private final String uplotDirectory;

  public Dashboard() {
    this.uplotDirectory =
        "/META-INF/resources/webjars/uplot/" + webJarVersion(UPLOT_POM) + "/dist/";
  }

  public void addRoutes(Javalin app) {
    app.get("/", ctx -> serve(ctx, OWN + "index.html", "text/html"));
    app.get("/assets/uplot/{file}", ctx -> asset(ctx, uplotDirectory, UPLOT_ASSETS));
    app.get("/assets/{file}", ctx -> asset(ctx, OWN, OWN_ASSETS));
  }

  private static void asset(Context ctx, String directory, Map<String, String> files) {
    String file = ctx.pathParam("file");
    String type = files.get(file);
    if (type == null) {
      ctx.status(HttpStatus.NOT_FOUND).result("no such asset: " + file);
      return;
    }
    serve(ctx, directory + file, type);
  }

  private static void serve(Context ctx, String resource, String type) {
    byte[] body = read(resource);
    ctx.contentType(type + "; charset=utf-8").header("Cache-Control", "no-cache").result(body);
  }

  private static byte[] read(String resource) {
    try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("dashboard asset missing from the jar: " + resource);
      }
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String webJarVersion(String pomProperties) {
    Properties properties = new Properties();
    try (InputStream in = Dashboard.class.getResourceAsStream(pomProperties)) {
      if (in == null) {
        throw new IllegalStateException("WebJar missing from the class path: no " + pomProperties);
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return properties.getProperty("version");
  }
}

package dev.scalewatch.app.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Supplies option defaults from the environment and the config file, so that every setting resolves
 * as: command-line flag, then environment variable, then config file, then built-in default.
 *
 * <p>An option {@code --kafka-port} reads the environment variable {@code SCALEWATCH_KAFKA_PORT}
 * and the config-file key {@code kafka-port}. The config file is {@code $SCALEWATCH_CONFIG} if set,
 * else {@code ./scalewatch.properties} if it exists. Because picocli shows resolved defaults in
 * {@code --help}, the help text always states what a run would actually use.
 *
 * <p>Thread-safe after construction; the file is read once.
 */
public final class SettingsDefaultProvider implements IDefaultValueProvider {

  public static final String CONFIG_ENV = "SCALEWATCH_CONFIG";
  public static final String DEFAULT_CONFIG_FILE = "scalewatch.properties";

  private final Map<String, String> environment;
  private final Properties file;

  public SettingsDefaultProvider() {
    this(System.getenv());
  }

  SettingsDefaultProvider(Map<String, String> environment) {
    this.environment = environment;
    this.file = loadConfigFile(environment);
  }

  @Override
  public String defaultValue(ArgSpec argSpec) {
    if (!(argSpec instanceof OptionSpec option) || option.longestName().equals("--help")) {
      return null;
    }
    String key = option.longestName().replaceFirst("^-+", "");
    String fromEnv = environment.get(environmentVariable(key));
    if (fromEnv != null && !fromEnv.isBlank()) {
      return fromEnv;
    }
    return file.getProperty(key);
  }

  /** The environment variable that sets the option with this long name (without dashes). */
  public static String environmentVariable(String key) {
    return "SCALEWATCH_" + key.replace('-', '_').replace('.', '_').toUpperCase(Locale.ROOT);
  }

  private static Properties loadConfigFile(Map<String, String> environment) {
    Properties properties = new Properties();
    String configured = environment.get(CONFIG_ENV);
    Path path = Path.of(configured != null ? configured : DEFAULT_CONFIG_FILE);
    if (configured == null && !Files.exists(path)) {
      return properties;
    }
    try (Reader reader = Files.newBufferedReader(path)) {
      properties.load(reader);
      return properties;
    } catch (IOException e) {
      throw new IllegalArgumentException(
          CONFIG_ENV
              + " names a config file that cannot be read: "
              + path.toAbsolutePath()
              + " ("
              + e.getMessage()
              + "); fix the path or unset "
              + CONFIG_ENV,
          e);
    }
  }
}

package dev.scalewatch.app.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scalewatch.app.ScaleWatch;
import dev.scalewatch.app.config.SettingsDefaultProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

/**
 * Checks what a Compose file asks of ScaleWatch against the command line itself: for every service
 * on the ScaleWatch image, its {@code command:} is parsed by {@link ScaleWatch#commandLine()} with
 * its {@code SCALEWATCH_<OPTION>} variables as the environment (so a misspelled flag, a missing
 * subcommand or a value of the wrong type fails as it would in the container), and every such
 * variable must name an option of that subcommand. Also checks what the Compose schema does not:
 * {@code depends_on} names services (with a health check where it waits for health), named volumes
 * are declared, restart policies are ones Docker knows, and every {@code host:port} a ScaleWatch
 * setting names is a service of the file.
 *
 * <p>{@code ${VAR}}, {@code ${VAR:-default}} and {@code ${VAR:?message}} are interpolated from the
 * given variables (the .env example); a variable that is neither there nor has a default is a
 * problem. Not thread-safe; one instance per check.
 */
final class ComposeSettings {

  /** The ScaleWatch image's name, before the tag. */
  static final String IMAGE = "scalewatch";

  /**
   * Variables ScaleWatch reads that are not options: the config file, and the log levels the jar's
   * log4j2.xml takes from the environment.
   */
  static final Set<String> NOT_OPTIONS =
      Set.of(
          SettingsDefaultProvider.CONFIG_ENV,
          "SCALEWATCH_LOG_LEVEL",
          "SCALEWATCH_THIRD_PARTY_LOG_LEVEL");

  private static final Set<String> RESTART = Set.of("no", "always", "unless-stopped", "on-failure");
  private static final Pattern VARIABLE =
      Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?}");
  private static final Pattern ADDRESS =
      Pattern.compile("(?<![A-Za-z0-9.-])(?:[a-z][a-z0-9+.-]*://)?([A-Za-z][A-Za-z0-9-]*):\\d+");
  private static final Set<String> LOCAL_HOSTS = Set.of("localhost");

  private final Map<String, String> variables;
  private final List<String> problems = new ArrayList<>();

  private ComposeSettings(Map<String, String> variables) {
    this.variables = variables;
  }

  /** The problems of a Compose file given as YAML text, one sentence each; empty if none. */
  static List<String> check(String yaml, Map<String, String> variables) throws IOException {
    JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(yaml);
    ComposeSettings settings = new ComposeSettings(variables);
    settings.checkFile(compose);
    return settings.problems;
  }

  /** Reads a {@code KEY=VALUE} file such as {@code .env} (blank lines and # comments skipped). */
  static Map<String, String> readEnvFile(Path file) throws IOException {
    Map<String, String> values = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      String trimmed = line.strip();
      if (trimmed.isEmpty() || trimmed.startsWith("#")) {
        continue;
      }
      int equals = trimmed.indexOf('=');
      if (equals > 0) {
        values.put(trimmed.substring(0, equals).strip(), trimmed.substring(equals + 1).strip());
      }
    }
    return values;
  }

  private void checkFile(JsonNode compose) {
    JsonNode services = compose.path("services");
    Set<String> volumes = new LinkedHashSet<>();
    compose.path("volumes").fieldNames().forEachRemaining(volumes::add);
    services
        .fields()
        .forEachRemaining(
            service -> {
              String name = service.getKey();
              JsonNode definition = service.getValue();
              checkStructure(name, definition, services, volumes);
              if (isScaleWatch(definition)) {
                checkScaleWatch(name, definition, services);
              }
            });
  }

  private static boolean isScaleWatch(JsonNode service) {
    return service.path("image").asText().startsWith(IMAGE + ":")
        || service.path("build").path("target").asText().equals(IMAGE);
  }

  private void checkStructure(
      String name, JsonNode service, JsonNode services, Set<String> volumes) {
    JsonNode dependsOn = service.path("depends_on");
    List<String> dependencies = new ArrayList<>();
    if (dependsOn.isArray()) {
      dependsOn.forEach(dependency -> dependencies.add(dependency.asText()));
    } else {
      dependsOn.fieldNames().forEachRemaining(dependencies::add);
    }
    for (String dependency : dependencies) {
      if (!services.has(dependency)) {
        problems.add(
            "service " + name + ": depends_on names " + dependency + ", which is no service");
      } else if (dependsOn.path(dependency).path("condition").asText().equals("service_healthy")
          && !services.path(dependency).has("healthcheck")) {
        problems.add(
            "service "
                + name
                + ": waits for "
                + dependency
                + " to be healthy, but "
                + dependency
                + " has no healthcheck");
      }
    }
    for (JsonNode mount : service.path("volumes")) {
      String source =
          mount.isTextual()
              ? mount.asText().split(":", 2)[0]
              : mount.path("type").asText("volume").equals("volume")
                  ? mount.path("source").asText()
                  : "";
      boolean named = !source.isEmpty() && !source.startsWith(".") && !source.startsWith("/");
      if (named && !volumes.contains(source)) {
        problems.add(
            "service " + name + ": volume " + source + " is not declared under top-level volumes");
      }
    }
    if (service.has("restart")) {
      String restart = service.path("restart").asText();
      String policy = restart.replaceFirst(":\\d+$", "");
      if (!RESTART.contains(policy) || (restart.contains(":") && !policy.equals("on-failure"))) {
        problems.add(
            "service "
                + name
                + ": restart "
                + restart
                + " is not a policy Docker knows (no, always, on-failure[:N], unless-stopped)");
      }
    }
  }

  private void checkScaleWatch(String name, JsonNode service, JsonNode services) {
    List<String> command = new ArrayList<>();
    JsonNode commandNode = service.path("command");
    if (commandNode.isArray()) {
      commandNode.forEach(argument -> command.add(interpolate(name, argument.asText())));
    } else if (commandNode.isTextual()) {
      Arrays.stream(interpolate(name, commandNode.asText()).trim().split("\\s+"))
          .forEach(command::add);
    }
    Map<String, String> environment = new LinkedHashMap<>();
    JsonNode environmentNode = service.path("environment");
    if (environmentNode.isArray()) {
      for (JsonNode entry : environmentNode) {
        String[] pair = entry.asText().split("=", 2);
        environment.put(pair[0], pair.length > 1 ? interpolate(name, pair[1]) : "");
      }
    } else {
      environmentNode
          .fields()
          .forEachRemaining(
              entry ->
                  environment.put(
                      entry.getKey(),
                      entry.getValue().isNull()
                          ? ""
                          : interpolate(name, entry.getValue().asText())));
    }
    if (command.isEmpty()) {
      problems.add(
          "service " + name + ": no command (the image's default only prints scalewatch --help)");
      return;
    }
    CommandLine commandLine = ScaleWatch.commandLine();
    // As SettingsDefaultProvider, with the service's environment instead of this JVM's.
    commandLine.setDefaultValueProvider(
        argument ->
            argument instanceof OptionSpec option
                    && !option.usageHelp()
                    && !option.versionHelp()
                    && !blank(environment.get(environmentVariable(option)))
                ? environment.get(environmentVariable(option))
                : null);
    ParseResult parsed;
    try {
      parsed = commandLine.parseArgs(command.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      problems.add(
          "service "
              + name
              + ": scalewatch "
              + String.join(" ", command)
              + " does not parse"
              + (e.getCommandLine() == commandLine
                  ? ""
                  : " (subcommand '" + e.getCommandLine().getCommandSpec().qualifiedName() + "')")
              + ": "
              + e.getMessage());
      return;
    }
    while (parsed.subcommand() != null) {
      parsed = parsed.subcommand();
    }
    CommandSpec subcommand = parsed.commandSpec();
    String qualified = subcommand.qualifiedName();
    if (!subcommand.subcommands().isEmpty()) {
      problems.add(
          "service "
              + name
              + ": command "
              + command
              + " names no subcommand of '"
              + qualified
              + "' (one of "
              + String.join(", ", subcommand.subcommands().keySet())
              + ")");
      return;
    }
    Set<String> known = new LinkedHashSet<>();
    for (OptionSpec option : subcommand.options()) {
      if (!option.usageHelp() && !option.versionHelp()) {
        known.add(environmentVariable(option));
      }
    }
    for (String variable : environment.keySet()) {
      if (variable.startsWith("SCALEWATCH_")
          && !NOT_OPTIONS.contains(variable)
          && !known.contains(variable)) {
        problems.add(
            "service "
                + name
                + ": environment "
                + variable
                + " names no option of '"
                + qualified
                + "' (its options read "
                + String.join(", ", known)
                + ")");
      }
    }
    for (String argument : command) {
      if (argument.startsWith("--") && argument.contains("password")) {
        problems.add(
            "service "
                + name
                + ": "
                + argument.split("=", 2)[0]
                + " is given as a flag of '"
                + qualified
                + "', where the process list shows it: use "
                + SettingsDefaultProvider.environmentVariable(
                    argument.split("=", 2)[0].substring(2))
                + " from .env");
      }
    }
    List<String> values = new ArrayList<>(command);
    values.addAll(environment.values());
    for (String value : values) {
      Matcher address = ADDRESS.matcher(value);
      while (address.find()) {
        String host = address.group(1);
        if (!services.has(host) && !LOCAL_HOSTS.contains(host)) {
          problems.add(
              "service "
                  + name
                  + ": "
                  + address.group()
                  + " in a setting of '"
                  + qualified
                  + "' names no service of the file");
        }
      }
    }
  }

  private static String environmentVariable(OptionSpec option) {
    return SettingsDefaultProvider.environmentVariable(
        option.longestName().replaceFirst("^-+", ""));
  }

  private static boolean blank(String value) {
    return value == null || value.isBlank();
  }

  /** Compose's interpolation, from {@link #variables}; {@code $$} is a literal {@code $}. */
  private String interpolate(String service, String text) {
    Matcher matcher = VARIABLE.matcher(text.replace("$$", "\u0000"));
    StringBuilder result = new StringBuilder();
    while (matcher.find()) {
      String variable = matcher.group(1);
      String operator = matcher.group(2);
      String value = variables.get(variable);
      boolean unset = operator != null && operator.startsWith(":") ? blank(value) : value == null;
      String replacement;
      if (!unset) {
        replacement = value;
      } else if (operator != null && operator.endsWith("-")) {
        replacement = matcher.group(3);
      } else {
        problems.add(
            "service "
                + service
                + ": ${"
                + variable
                + "} is needed and has no default, but the .env example does not set it");
        replacement = "";
      }
      matcher.appendReplacement(result, Matcher.quoteReplacement(replacement));
    }
    matcher.appendTail(result);
    return result.toString().replace("\u0000", "$");
  }
}

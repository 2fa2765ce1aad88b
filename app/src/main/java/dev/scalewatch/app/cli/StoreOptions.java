package dev.scalewatch.app.cli;

import dev.scalewatch.app.config.StoreSettings;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where the store lives, shared by {@code up} and {@code serve}. */
public final class StoreOptions {

  @Option(
      names = "--store-url",
      paramLabel = "JDBC-URL",
      defaultValue = "",
      description =
          "Keep the store in PostgreSQL instead of the embedded DuckDB file under --data-dir:"
              + " jdbc:postgresql://host:port/database (default: DuckDB). The database must exist;"
              + " up and serve create the tables.")
  String storeUrl;

  @Option(
      names = "--store-user",
      defaultValue = "",
      description = "PostgreSQL user of --store-url (default: the driver's, the OS user).")
  String storeUser;

  // Never shown: its description has no default value, and StoreSettings hides it.
  @Option(
      names = "--store-password",
      paramLabel = "PASSWORD",
      defaultValue = "",
      description =
          "PostgreSQL password of --store-user, from SCALEWATCH_STORE_PASSWORD or the config file"
              + " key store-password only (refused as a flag); never printed.")
  String storePassword;

  /**
   * The store these options name; throws if the password was given as a flag.
   *
   * @param spec the command that parsed the options, or null when built without a command line
   */
  StoreSettings settings(CommandSpec spec) {
    if (spec != null && spec.commandLine().getParseResult().hasMatchedOption("--store-password")) {
      throw new IllegalArgumentException(
          "--store-password is not taken on the command line, where other users see it in the"
              + " process list: set SCALEWATCH_STORE_PASSWORD or store-password in the config"
              + " file");
    }
    return new StoreSettings(storeUrl, storeUser, storePassword);
  }
}

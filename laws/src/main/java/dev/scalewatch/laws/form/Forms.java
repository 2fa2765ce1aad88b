package dev.scalewatch.laws.form;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Looks forms up by their {@link Form#name()}, e.g. to restore them from stream state. */
public final class Forms {

  private static final Pattern BNSL = Pattern.compile("bnsl-([1-3])(-nofloor)?");

  private Forms() {}

  /**
   * The form called {@code name}: {@code power-law}, {@code power-law-floor}, {@code bnsl-N},
   * {@code bnsl-N-nofloor}, {@code chinchilla} or {@code kaplan}.
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static Form byName(String name) {
    switch (name) {
      case "power-law":
        return Bnsl.powerLaw();
      case "power-law-floor":
        return Bnsl.powerLawWithFloor();
      case "chinchilla":
        return new Chinchilla();
      case "kaplan":
        return new Kaplan();
      default:
        Matcher m = BNSL.matcher(name);
        if (m.matches()) {
          return new Bnsl(Integer.parseInt(m.group(1)), m.group(2) == null);
        }
        throw new IllegalArgumentException(
            "form must be one of power-law, power-law-floor,"
                + " bnsl-1..bnsl-3 (optionally -nofloor), chinchilla, kaplan: '"
                + name
                + "'");
    }
  }
}

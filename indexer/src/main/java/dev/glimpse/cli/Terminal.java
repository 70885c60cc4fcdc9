package dev.glimpse.cli;

/** Whether output goes to a terminal, as the launcher found out ({@code [ -t 2 ]}). */
final class Terminal {
  private Terminal() {}

  /** True when the {@code glimpse} launcher saw stderr attached to a terminal. */
  static boolean stderrIsTerminal() {
    return "1".equals(System.getProperty("glimpse.stderr.tty"));
  }
}

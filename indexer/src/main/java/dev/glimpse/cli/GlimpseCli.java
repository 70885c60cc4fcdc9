package dev.glimpse.cli;

public final class GlimpseCli {
  public static void main(String[] args) {
    System.out.println("glimpse");
  }
}

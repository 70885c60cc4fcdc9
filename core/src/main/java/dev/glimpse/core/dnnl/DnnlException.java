package dev.glimpse.core.dnnl;

/** A oneDNN call returned an error status; the message names the call and the status. */
public class DnnlException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public DnnlException(String message) {
    super(message);
  }

  public DnnlException(String message, Throwable cause) {
    super(message, cause);
  }
}

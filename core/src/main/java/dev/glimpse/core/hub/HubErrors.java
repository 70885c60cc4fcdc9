package dev.glimpse.core.hub;

import dev.glimpse.core.hub.HubException.Kind;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/** Builds the user-facing {@link HubException}s, so that every message is written once. */
final class HubErrors {

  private HubErrors() {}

  static HubException notFound(ModelRef ref, String file, String errorCode, URI endpoint) {
    String what =
        switch (errorCode == null ? "" : errorCode) {
          case "RepoNotFound" -> "Model repository " + ref.repo() + " was not found";
          case "RevisionNotFound" ->
              "Revision '" + ref.revision() + "' of " + ref.repo() + " was not found";
          default -> "File " + file + " was not found in " + ref;
        };
    return new HubException(
        Kind.NOT_FOUND,
        what
            + " on "
            + endpoint
            + " (HTTP 404). Check the model id and revision (e.g. --model org/name@main).");
  }

  static HubException unauthorized(ModelRef ref, String file, int status, boolean tokenSet) {
    String advice =
        tokenSet
            ? "The token in HF_TOKEN was refused or cannot read this repository: check that it is"
                + " valid and, for a gated model, that you accepted its licence on the model page."
            : "The repository may be private or gated, or may not exist. Set HF_TOKEN to a"
                + " Hugging Face access token that can read it (https://huggingface.co/settings/tokens),"
                + " and accept the licence on the model page if it is gated.";
    return new HubException(
        Kind.UNAUTHORIZED,
        "Access to " + file + " of " + ref + " was refused (HTTP " + status + "). " + advice);
  }

  static HubException unreachable(URI endpoint, ModelRef ref, String reason, Throwable cause) {
    return new HubException(
        Kind.UNREACHABLE,
        "Cannot download "
            + ref
            + " from "
            + endpoint
            + " ("
            + reason
            + "). Check the network or proxy, or set HF_ENDPOINT to a reachable mirror."
            + " To use the model anyway, fetch it by hand on a machine that can reach the hub,"
            + " e.g. `huggingface-cli download "
            + ref.repo()
            + " --revision "
            + ref.revision()
            + " --include '*.json' '*.safetensors' --local-dir DIR`"
            + " or `git clone "
            + endpoint
            + "/"
            + ref.repo()
            + " DIR`, then pass --model DIR.",
        cause);
  }

  static HubException interrupted(URI endpoint, ModelRef ref, String file, long done, Throwable e) {
    return unreachable(
        endpoint,
        ref,
        "the transfer of "
            + file
            + " broke off after "
            + done
            + " bytes: "
            + describe(e)
            + "; running again resumes it",
        e);
  }

  static HubException integrity(ModelRef ref, String file, String expected, String actual) {
    return new HubException(
        Kind.INTEGRITY,
        "Downloaded "
            + file
            + " of "
            + ref
            + " is corrupt: expected sha256 "
            + expected
            + " but got "
            + actual
            + ". The bad download was deleted; run again to retry.");
  }

  static HubException sizeMismatch(ModelRef ref, String file, long expected, long actual) {
    return new HubException(
        Kind.INTEGRITY,
        "Downloaded "
            + file
            + " of "
            + ref
            + " is corrupt: expected "
            + expected
            + " bytes but got "
            + actual
            + ". The bad download was deleted; run again to retry.");
  }

  static HubException offlineNotCached(ModelRef ref, List<String> missing, Path cacheDir) {
    return new HubException(
        Kind.OFFLINE_NOT_CACHED,
        "HF_HUB_OFFLINE is set and "
            + String.join(", ", missing)
            + " of "
            + ref
            + (missing.size() == 1 ? " is" : " are")
            + " not in the cache "
            + cacheDir
            + ". Unset HF_HUB_OFFLINE to download the model, or pass --model DIR with a local"
            + " copy of it.");
  }

  /** {@code missing} lists the files absent from a partial snapshot; empty when none is cached. */
  static HubException pinnedOffline(ModelRef ref, List<String> missing, Path cacheDir) {
    return new HubException(
        Kind.OFFLINE_NOT_CACHED,
        "HF_HUB_OFFLINE is set and model "
            + ref.repo()
            + " at commit "
            + ref.revision()
            + " (the commit the index was built with) is not in the cache "
            + cacheDir
            + (missing.isEmpty() ? "" : " (missing " + String.join(", ", missing) + ")")
            + ". Unset HF_HUB_OFFLINE to download that commit.");
  }

  static HubException pinnedUnreachable(
      ModelRef ref, URI endpoint, Path cacheDir, HubException cause) {
    String reason = cause.getCause() == null ? "server error" : describe(cause.getCause());
    return new HubException(
        Kind.UNREACHABLE,
        "Model "
            + ref.repo()
            + " at commit "
            + ref.revision()
            + " (the commit the index was built with) is not in the cache "
            + cacheDir
            + " and the hub "
            + endpoint
            + " cannot be reached ("
            + reason
            + "). Go online (or set HF_ENDPOINT to a reachable mirror) to download that commit.",
        cause);
  }

  static HubException pinnedGone(ModelRef ref, URI endpoint, Path cacheDir, HubException cause) {
    return new HubException(
        Kind.NOT_FOUND,
        "Model "
            + ref.repo()
            + " at commit "
            + ref.revision()
            + " (the commit the index was built with) is not in the cache "
            + cacheDir
            + ", and "
            + endpoint
            + " no longer has that commit (or the repository): "
            + cause.getMessage().replaceFirst(" Check the model id and revision.*$", ""),
        cause);
  }

  static HubException notSafetensors(ModelRef ref, String layout) {
    return new HubException(
        Kind.UNSUPPORTED,
        ref
            + " has no safetensors weights for the "
            + layout
            + " layout (perhaps only pytorch_model.bin / open_clip_pytorch_model.bin)."
            + " Only safetensors checkpoints are supported. Convert it, e.g. with"
            + " `python -c \"import torch; from safetensors.torch import save_file;"
            + " save_file(torch.load('pytorch_model.bin'), 'model.safetensors')\"`"
            + " (or the hub's safetensors conversion space), and pass --model DIR.");
  }

  static HubException notClip(ModelRef ref) {
    return new HubException(
        Kind.UNSUPPORTED,
        ref
            + " is not a CLIP checkpoint this program can load: it has neither config.json"
            + " (Hugging Face transformers layout) nor open_clip_config.json (open_clip layout).");
  }

  static HubException protocol(String message) {
    return new HubException(Kind.PROTOCOL, message);
  }

  /**
   * A network failure in words for the user. The JDK's exceptions carry a bare host name or no
   * message at all, so their kind is said here rather than by their class name.
   */
  static String describe(Throwable e) {
    String m = e.getMessage() == null || e.getMessage().isBlank() ? null : e.getMessage();
    if (e instanceof java.net.UnknownHostException) {
      return "unknown host" + (m == null ? "" : " " + m);
    }
    if (e instanceof java.net.http.HttpTimeoutException
        || e instanceof java.net.SocketTimeoutException) {
      return "timed out";
    }
    if (e instanceof java.net.ConnectException) {
      return "connection refused" + (m == null ? "" : " (" + m + ")");
    }
    if (e instanceof javax.net.ssl.SSLException) {
      return "TLS failed" + (m == null ? "" : ": " + m);
    }
    if (e instanceof java.io.EOFException) {
      return "the connection closed early";
    }
    return m == null ? "network error" : m;
  }
}

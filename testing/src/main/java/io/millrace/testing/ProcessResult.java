package io.millrace.testing;

/** How an external command ended: its exit code and everything it printed. */
public record ProcessResult(int exitCode, String stdout, String stderr) {

    /** Exit code, stdout and stderr, for assertion messages. */
    public String describe() {
        return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}

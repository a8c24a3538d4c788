package io.millrace.it;

/** How an external command ended: its exit code and everything it printed. */
record ProcessResult(int exitCode, String stdout, String stderr) {

    /** Exit code, stdout and stderr, for assertion messages. */
    String describe() {
        return "exit code " + exitCode + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
    }
}

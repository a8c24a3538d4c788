package io.millrace.broker.log;

/**
 * Proof that the transaction coordinator confirmed, for one producer, that a partition belongs to
 * its open transaction (KIP-890 verification). The log hands a guard out before the coordinator is
 * asked and remembers it, handing the same guard to every verification of the producer until its
 * transaction opens here; a transaction marker for the producer forgets it. The first
 * transactional batch of a transaction is accepted only with the remembered guard, so a batch
 * verified before its transaction ended cannot start a transaction nobody will ever finish.
 * Compared by identity; immutable.
 */
public final class VerificationGuard {

    /** No verification took place: a transactional batch that starts a transaction is refused. */
    public static final VerificationGuard NONE = new VerificationGuard("none");

    /** Verification is switched off (transaction.partition.verification.enable=false). */
    public static final VerificationGuard DISABLED = new VerificationGuard("disabled");

    private final String name;

    VerificationGuard(String name) {
        this.name = name;
    }

    @Override
    public String toString() {
        return "VerificationGuard(" + name + ")";
    }
}

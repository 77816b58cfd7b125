package io.segvault.core.store;

/** Object Lock mode of one object version, as the store reports it. */
public enum LockMode {
    /** Nobody, not even the bucket owner, can delete the version or shorten its date. */
    COMPLIANCE,
    /** Principals with the bypass permission can remove the lock. segvault never writes it. */
    GOVERNANCE,
    /** No lock on the version. */
    NONE
}

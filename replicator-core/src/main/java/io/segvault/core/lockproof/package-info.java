/**
 * The lock canary: what {@code segvault prove-lock} found when it tried to undo a COMPLIANCE lock (see
 * docs/providers.md). The S3 requests themselves are in {@code io.segvault.core.store.s3.S3LockProver}.
 */
package io.segvault.core.lockproof;

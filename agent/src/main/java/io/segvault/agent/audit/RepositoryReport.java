package io.segvault.agent.audit;

/**
 * One Borg repository found under the audited directory.
 *
 * @param path              the repository directory
 * @param appendOnly        its config's {@code [repository] append_only} is true as borg reads it ({@code 1}, yes, true, on)
 * @param appendOnlySetting the value as written, or null when the config has no {@code append_only} line
 */
public record RepositoryReport(String path, boolean appendOnly, String appendOnlySetting) {
}

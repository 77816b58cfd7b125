package io.segvault.agent.audit;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.sshd.common.config.keys.AuthorizedKeyEntry;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * Reads an authorized_keys file line by line, as sshd does, without ever failing on a line: each line is a key
 * ({@link AuthorizedKey}), a line sshd would skip ({@link BadLine}), or blank/comment. LF and CRLF line ends both work.
 * The key part (type, base64 blob, comment) is decoded by MINA SSHD's {@link AuthorizedKeyEntry}, the fingerprint
 * comes from {@link KeyUtils#getFingerPrint(PublicKey)}; the options are read by {@link LoginOptions}.
 */
final class AuthorizedKeysParser {

    /** Key types sshd(8) accepts at the start of a key (certificates add {@code -cert-v01@openssh.com}). */
    private static final Set<String> KEY_TYPES = Set.of("ssh-rsa", "ssh-dss", "ssh-ed25519",
            "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
            "sk-ecdsa-sha2-nistp256@openssh.com", "sk-ssh-ed25519@openssh.com",
            "ssh-rsa-cert-v01@openssh.com", "ssh-dss-cert-v01@openssh.com", "ssh-ed25519-cert-v01@openssh.com",
            "ecdsa-sha2-nistp256-cert-v01@openssh.com", "ecdsa-sha2-nistp384-cert-v01@openssh.com",
            "ecdsa-sha2-nistp521-cert-v01@openssh.com", "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
            "sk-ssh-ed25519-cert-v01@openssh.com");

    private static final String IGNORED = "sshd ignores this line: ";

    private AuthorizedKeysParser() {
    }

    /** What one line holds: a key or a line sshd would skip. */
    sealed interface ParsedLine permits AuthorizedKey, BadLine {
    }

    /**
     * A line sshd would skip, or whose key the audit cannot decode; {@code problem} is the whole explanation and
     * {@code invalidOptions} is set when only the options are wrong (then the key is known).
     */
    record BadLine(String source, String problem, boolean invalidOptions, String fingerprint, String comment)
            implements ParsedLine {
    }

    /** Every key and every bad line of one file, in file order (blank and comment lines left out). */
    record ParsedFile(Path file, List<ParsedLine> lines) {

        ParsedFile {
            lines = List.copyOf(lines);
        }

        List<AuthorizedKey> keys() {
            return lines.stream().filter(AuthorizedKey.class::isInstance).map(AuthorizedKey.class::cast).toList();
        }
    }

    static ParsedFile parse(Path file) throws AuditInputException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new AuditInputException(file, "cannot read authorized_keys file (" + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")", e);
        }
        List<ParsedLine> lines = new ArrayList<>();
        int lineNo = 0;
        int start = 0;
        while (start < bytes.length) {
            int end = start;
            while (end < bytes.length && bytes[end] != '\n') {
                end++;
            }
            lineNo++;
            int len = end - start;
            if (len > 0 && bytes[end - 1] == '\r') {
                len--;
            }
            String source = file + ":" + lineNo;
            ParsedLine parsed = parseLine(source, ByteBuffer.wrap(bytes, start, len));
            if (parsed != null) {
                lines.add(parsed);
            }
            start = end + 1;
        }
        return new ParsedFile(file, lines);
    }

    /** An {@link AuthorizedKey}, a {@link BadLine}, or null for a blank or comment line. */
    private static ParsedLine parseLine(String source, ByteBuffer raw) {
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(raw).toString();
        } catch (CharacterCodingException e) {
            return new BadLine(source, IGNORED + "not UTF-8 text (binary data?)", false, null, null);
        }
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        if (line.chars().anyMatch(c -> c < 0x20 && c != '\t' || c == 0x7f)) {
            return new BadLine(source, IGNORED + "contains control characters (binary data?)", false, null, null);
        }
        return parseEntry(source, line);
    }

    private static ParsedLine parseEntry(String source, String line) {
        String optionsText = "";
        String keyPart = line;
        if (!isKeyType(firstWord(line))) {
            try {
                int end = LoginOptions.endOfOptions(line);
                optionsText = line.substring(0, end);
                keyPart = line.substring(end).strip();
            } catch (LoginOptions.InvalidOptionsException e) {
                return new BadLine(source, IGNORED + e.getMessage(), false, null, null);
            }
            if (!isKeyType(firstWord(keyPart))) {
                return new BadLine(source, IGNORED + (keyPart.isEmpty() ? "no key after the options"
                        : "not a key: '" + abbreviate(firstWord(keyPart)) + "' is no key type sshd knows"), false, null, null);
            }
        }
        if (KeyUtils.getPublicKeyEntryDecoder(firstWord(keyPart)) == null) {
            return new BadLine(source, "the audit cannot decode key type " + firstWord(keyPart)
                    + " (sshd may accept it): its fences are not checked", false, null, null);
        }
        AuthorizedKeyEntry entry;
        PublicKey key;
        try {
            entry = AuthorizedKeyEntry.parseAuthorizedKeyEntry(keyPart);
            key = entry.resolvePublicKey(null, PublicKeyEntryResolver.FAILING);
        } catch (IOException | GeneralSecurityException | RuntimeException e) {
            return new BadLine(source, IGNORED + "truncated or corrupt " + firstWord(keyPart) + " key (" + e.getMessage() + ")",
                    false, null, null);
        }
        String fingerprint = KeyUtils.getFingerPrint(key);
        try {
            return new AuthorizedKey(source, entry.getKeyType(), key, fingerprint, entry.getComment(),
                    LoginOptions.parse(optionsText));
        } catch (LoginOptions.InvalidOptionsException e) {
            return new BadLine(source, IGNORED + e.getMessage(), true, fingerprint, entry.getComment());
        }
    }

    static boolean isKeyType(String word) {
        return KEY_TYPES.contains(word);
    }

    private static String firstWord(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) != ' ' && s.charAt(i) != '\t') {
            i++;
        }
        return s.substring(0, i);
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}

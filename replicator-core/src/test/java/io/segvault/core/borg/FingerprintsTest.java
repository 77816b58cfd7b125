package io.segvault.core.borg;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The packed fingerprints give back exactly what was put in, and compare as {@link Fingerprint#equals} does. */
class FingerprintsTest {

    private static final List<String> KEYS = List.of(
            "(dev=fd00,ino=1234)", "(dev=0,ino=0)", "(dev=803,ino=9223372036854775)", "(dev=ffffffffffffffff,ino=7)",
            "(dev=fd00,ino=01234)", "(dev=0fd00,ino=1234)", "(dev=FD00,ino=1234)", "(dev=fd00,ino=-5)",
            "(dev=fd00,ino=9223372036854775807)", "(dev=1ffffffffffffffff,ino=1)", "(dev=,ino=1)", "(dev=1,ino=)",
            "(dev=1,ino=2", "dev=1,ino=2)", "(dev=1;ino=2)", "", "C:\\file-id-7", "(dev=fd00,ino=1234) ");

    @Test
    void everyKeyComesBackAsItWasSpelled() {
        Fingerprints f = new Fingerprints(KEYS.size());
        for (int i = 0; i < KEYS.size(); i++) {
            f.set(i, new Fingerprint(i, 1000L + i, KEYS.get(i)));
        }
        for (int i = 0; i < KEYS.size(); i++) {
            assertThat(f.get(i)).isEqualTo(new Fingerprint(i, 1000L + i, KEYS.get(i)));
        }
    }

    @Test
    void onlyCanonicalLinuxKeysParseToNumbers() {
        assertThat(Fingerprints.parse("(dev=fd00,ino=1234)")).containsExactly(0xfd00L, 1234L);
        assertThat(Fingerprints.parse("(dev=ffffffffffffffff,ino=7)")).containsExactly(-1L, 7L);
        for (String odd : List.of("(dev=fd00,ino=01234)", "(dev=0fd00,ino=1234)", "(dev=FD00,ino=1234)", "(dev=fd00,ino=-5)",
                "(dev=1ffffffffffffffff,ino=1)", "(dev=,ino=1)", "(dev=1,ino=)", "(dev=1,ino=2", "", "C:\\file-id-7",
                "(dev=fd00,ino=9223372036854775807)")) {
            assertThat(Fingerprints.parse(odd)).as(odd).isNull();
        }
    }

    @Test
    void sameAgreesWithEqualsForEveryPair() {
        Random random = new Random(20);
        List<Fingerprint> prints = new ArrayList<>();
        for (String key : KEYS) {
            prints.add(new Fingerprint(10, 20, key));
        }
        for (int i = 0; i < 200; i++) {
            prints.add(new Fingerprint(random.nextInt(3), random.nextInt(3),
                    "(dev=" + Long.toHexString(random.nextInt(3)) + ",ino=" + random.nextInt(3) + ")"));
        }
        Fingerprints a = new Fingerprints(prints.size());
        Fingerprints b = new Fingerprints(prints.size());
        for (int i = 0; i < prints.size(); i++) {
            a.set(i, prints.get(i));
            b.set(prints.size() - 1 - i, prints.get(i));
        }
        int equalPairs = 0;
        for (int i = 0; i < prints.size(); i++) {
            for (int j = 0; j < prints.size(); j++) {
                boolean equal = prints.get(i).equals(prints.get(j));
                equalPairs += equal ? 1 : 0;
                assertThat(a.same(i, b, prints.size() - 1 - j)).as(prints.get(i) + " vs " + prints.get(j)).isEqualTo(equal);
                assertThat(a.same(i, prints.get(j))).as(prints.get(i) + " vs " + prints.get(j)).isEqualTo(equal);
            }
        }
        assertThat(equalPairs).isGreaterThan(prints.size()); // the random part repeats fingerprints: both answers occur
    }

    @Test
    void copyKeepsTheKeyWhateverItsForm() {
        Fingerprints from = new Fingerprints(KEYS.size());
        Fingerprints to = new Fingerprints(KEYS.size());
        for (int i = 0; i < KEYS.size(); i++) {
            from.set(i, new Fingerprint(1, 2, KEYS.get(i)));
            to.set(i, new Fingerprint(1, 2, KEYS.get(KEYS.size() - 1 - i)));
        }
        for (int i = 0; i < KEYS.size(); i++) {
            from.copy(i, to, i);
        }
        for (int i = 0; i < KEYS.size(); i++) {
            assertThat(to.get(i)).isEqualTo(from.get(i));
        }
    }
}

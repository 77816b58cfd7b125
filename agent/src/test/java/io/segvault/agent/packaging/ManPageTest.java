package io.segvault.agent.packaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.segvault.agent.Main;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** packaging/deb/segvault.1, the package's man page, lists exactly the commands the CLI has, in its order. */
class ManPageTest {

    @Test
    void the_man_page_lists_every_command_of_the_cli() {
        String page = ProjectFiles.read("packaging/deb/segvault.1");
        int from = page.indexOf(".SH COMMANDS");
        int to = page.indexOf(".SH", from + 1);
        assertThat(from).as(".SH COMMANDS in the man page").isNotNegative();
        List<String> listed = new ArrayList<>();
        Matcher m = Pattern.compile("(?m)^\\.TP\\n\\.B (\\S+)$").matcher(page.substring(from, to));
        while (m.find()) {
            listed.add(m.group(1).replace("\\-", "-"));
        }

        List<String> commands = new ArrayList<>(new CommandLine(new Main()).getSubcommands().keySet());

        assertThat(listed).as("commands in packaging/deb/segvault.1 (COMMANDS)").containsExactlyElementsOf(commands);
    }
}

package io.segvault.agent.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A forced command as far as the fences are concerned: whether it runs nothing but {@code borg serve}, and with which
 * restrictions. Accepted shapes: {@code [cd DIR;]... [NAME=value...] [exec] [/path/]borg serve OPTIONS}. Options are
 * matched in full ({@code --append-only}, {@code --restrict-to-repository PATH} or {@code =PATH},
 * {@code --restrict-to-path PATH} or {@code =PATH}); an abbreviation borg would accept is not recognised, so the
 * audit errs towards reporting a fence as missing.
 *
 * @param problem      null for a plain borg serve, otherwise why the command is not one
 * @param appendOnly   {@code --append-only} is given
 * @param repositories every {@code --restrict-to-repository} value
 * @param paths        every {@code --restrict-to-path} value
 * @param environment  the {@code NAME=value} words before borg (environment of borg serve)
 */
record BorgServeCommand(String problem, boolean appendOnly, List<String> repositories, List<String> paths,
                        List<String> environment) {

    private static final Pattern ASSIGNMENT = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*=.*");
    private static final Pattern BORG = Pattern.compile("borg[0-9.\\-]*");
    private static final String REPO = "--restrict-to-repository";
    private static final String PATH = "--restrict-to-path";

    BorgServeCommand {
        repositories = List.copyOf(repositories);
        paths = List.copyOf(paths);
        environment = List.copyOf(environment);
    }

    boolean isBorgServe() {
        return problem == null;
    }

    /** Every restriction (repositories, then paths). */
    List<String> restrictions() {
        List<String> all = new ArrayList<>(repositories);
        all.addAll(paths);
        return all;
    }

    static BorgServeCommand parse(String command) {
        List<List<String>> commands;
        try {
            commands = ShellWords.commands(command);
        } catch (ShellWords.UnsupportedShellException e) {
            return notBorgServe("the command " + e.getMessage());
        }
        if (commands.isEmpty()) {
            return notBorgServe("the command is empty");
        }
        List<String> words = commands.get(commands.size() - 1);
        int i = 0;
        while (i < words.size() && (ASSIGNMENT.matcher(words.get(i)).matches() || words.get(i).equals("exec"))) {
            i++;
        }
        if (i + 1 >= words.size() || !BORG.matcher(baseName(words.get(i))).matches() || !words.get(i + 1).equals("serve")) {
            return notBorgServe("the command ends with '" + String.join(" ", words) + "' instead of borg serve");
        }
        for (List<String> c : commands.subList(0, commands.size() - 1)) {
            if (c.size() != 2 || !c.get(0).equals("cd")) {
                return notBorgServe("the command runs '" + String.join(" ", c) + "' before borg serve");
            }
        }
        List<String> environment = words.subList(0, i).stream().filter(w -> ASSIGNMENT.matcher(w).matches()).toList();
        return serveOptions(words.subList(i + 2, words.size()), environment);
    }

    private static BorgServeCommand serveOptions(List<String> args, List<String> environment) {
        boolean appendOnly = false;
        List<String> repositories = new ArrayList<>();
        List<String> paths = new ArrayList<>();
        for (int j = 0; j < args.size(); j++) {
            String a = args.get(j);
            boolean hasNext = j + 1 < args.size();
            if (a.equals("--append-only")) {
                appendOnly = true;
            } else if (a.equals(REPO) && hasNext) {
                repositories.add(args.get(++j));
            } else if (a.startsWith(REPO + "=")) {
                repositories.add(a.substring(REPO.length() + 1));
            } else if (a.equals(PATH) && hasNext) {
                paths.add(args.get(++j));
            } else if (a.startsWith(PATH + "=")) {
                paths.add(a.substring(PATH.length() + 1));
            }
        }
        return new BorgServeCommand(null, appendOnly, repositories, paths, environment);
    }

    private static String baseName(String program) {
        return program.substring(program.lastIndexOf('/') + 1);
    }

    private static BorgServeCommand notBorgServe(String problem) {
        return new BorgServeCommand(problem, false, List.of(), List.of(), List.of());
    }
}

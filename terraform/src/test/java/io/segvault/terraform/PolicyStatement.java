package io.segvault.terraform;

import com.bertramlabs.plugins.hcl4j.symbols.HCLArray;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code statement} of an {@code aws_iam_policy_document}, as written: plain statements and the content of
 * {@code dynamic "statement"} blocks (which exist only under a condition, such as SSE-KMS being on).
 */
record PolicyStatement(String where, String sid, String effect, List<String> actions, List<String> resources,
                       List<String> notResources, List<Condition> conditions, List<String> principals,
                       boolean dynamic) {

    /** A {@code condition} block: operator, key and the values as text. */
    record Condition(String test, String variable, List<String> values) {
    }

    static List<PolicyStatement> of(HclBlock document) {
        List<PolicyStatement> statements = new ArrayList<>();
        document.blocks("statement").forEach(s -> statements.add(from(s, false)));
        document.dynamicContents("statement").forEach(s -> statements.add(from(s, true)));
        return List.copyOf(statements);
    }

    private static PolicyStatement from(HclBlock statement, boolean dynamic) {
        List<Condition> conditions = statement.blocks("condition").stream()
            .map(c -> new Condition(c.literal("test"), c.literal("variable"), c.list("values"))).toList();
        List<String> principals = statement.blocks("principals").stream()
            .flatMap(p -> listOrReference(p, "identifiers").stream().map(id -> p.literal("type") + " " + id))
            .toList();
        return new PolicyStatement(statement.where(),
            statement.attribute("sid").isPresent() ? statement.literal("sid") : "",
            statement.attribute("effect").isPresent() ? statement.literal("effect") : "Allow",
            listOrReference(statement, "actions"),
            statement.attribute("resources").isPresent() ? statement.list("resources") : List.of(),
            statement.attribute("not_resources").isPresent() ? statement.list("not_resources") : List.of(),
            conditions, principals, dynamic);
    }

    /** A list attribute's elements, or a reference to one ({@code actions = local.never}) as its only element. */
    private static List<String> listOrReference(HclBlock block, String name) {
        return block.attribute(name).filter(v -> !(v instanceof HCLArray)).map(v -> List.of(block.text(name)))
            .orElseGet(() -> block.list(name));
    }

    boolean allows() {
        return "Allow".equals(effect);
    }

    boolean denies() {
        return "Deny".equals(effect);
    }

    /** Whether the statement applies to everyone: {@code principals { type = "*", identifiers = ["*"] }}. */
    boolean forEveryone() {
        return principals.equals(List.of("* *"));
    }

    boolean hasCondition(String test, String variable, String value) {
        return conditions.contains(new Condition(test, variable, List.of(value)));
    }
}

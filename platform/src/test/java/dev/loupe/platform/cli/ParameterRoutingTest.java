package dev.loupe.platform.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.loupe.api.LoupeException;
import dev.loupe.api.MethodDescriptor;
import dev.loupe.api.ParameterSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ParameterRoutingTest {
    private static final MethodDescriptor IG = method("ig", ParameterSpec.integer("steps", 50, 1, 999, ""),
            ParameterSpec.integer("seed", 0, 0, 9, ""));
    private static final MethodDescriptor SG = method("sg", ParameterSpec.integer("samples", 50, 1, 999, ""),
            ParameterSpec.integer("seed", 0, 0, 9, ""));

    private static MethodDescriptor method(String id, ParameterSpec... params) {
        return new MethodDescriptor(id, id, "gradient", "", Set.of(), List.of(params), "");
    }

    private static Map<String, MethodDescriptor> both() {
        Map<String, MethodDescriptor> m = new LinkedHashMap<>();
        m.put("ig", IG);
        m.put("sg", SG);
        return m;
    }

    @Test
    void aKeyGoesToEveryMethodDeclaringItAndAQualifiedKeyToOne() {
        Map<String, Map<String, String>> r = MethodOptions.route(Map.of("seed", "4", "steps", "8", "sg.samples", "3"), both());
        assertEquals(Map.of("seed", "4", "steps", "8"), r.get("ig"));
        assertEquals(Map.of("seed", "4", "samples", "3"), r.get("sg"));
    }

    @Test
    void aKeyNoMethodDeclaresIsAnError() {
        LoupeException e = assertThrows(LoupeException.class, () -> MethodOptions.route(Map.of("abs", "true"), both()));
        assertTrue(e.getMessage().contains("none of the methods ig, sg has a parameter abs"), e.getMessage());
    }

    @Test
    void oneMethodGetsEverythingAndReportsUnknownKeysItself() {
        assertEquals(Map.of("abs", "true"), MethodOptions.route(Map.of("abs", "true"), Map.of("ig", IG)).get("ig"));
    }
}

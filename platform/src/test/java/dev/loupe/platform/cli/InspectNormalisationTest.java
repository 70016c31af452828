package dev.loupe.platform.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.loupe.api.InspectorDescriptor;
import dev.loupe.api.LoupeException;
import dev.loupe.api.ParameterSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Activation maximisation normalises its images as the model's own inputs are. */
class InspectNormalisationTest {
    private static final InspectorDescriptor SYNTHESISER = new InspectorDescriptor("actmax", "actmax", "", Set.of(),
            false, List.of(ParameterSpec.string("mean", "0.4", ""), ParameterSpec.string("std", "0.25", "")), "");
    private static final InspectorDescriptor READER = new InspectorDescriptor("maps", "maps", "", Set.of(), true,
            List.of(ParameterSpec.integer("top", 8, 1, 64, "")), "");

    @TempDir
    Path dir;

    private Path imagenetModel() throws IOException {
        Path model = dir.resolve("resnet.onnx");
        Files.writeString(dir.resolve("resnet.loupe.json"),
                "{\"resize\": \"224x224\", \"mean\": \"0.485,0.456,0.406\", \"std\": \"0.229,0.224,0.225\"}");
        return model;
    }

    @Test
    void theSidecarsNormalisationIsTheDefault() throws IOException {
        Optional<InputOptions.Normalisation> n = new InputOptions().normalisation(imagenetModel());
        assertEquals(Map.of("mean", "0.485,0.456,0.406", "std", "0.229,0.224,0.225", "steps", "9"),
                InspectCommand.withModelNormalisation(Map.of("steps", "9"), SYNTHESISER, n));
    }

    @Test
    void flagsOverrideTheSidecarAndParamsOverrideBoth() throws IOException {
        InputOptions flags = new InputOptions();
        flags.mean = "0.5";
        Optional<InputOptions.Normalisation> n = flags.normalisation(imagenetModel());
        assertEquals(Map.of("mean", "0.5", "std", "0.229,0.224,0.225"),
                InspectCommand.withModelNormalisation(Map.of(), SYNTHESISER, n));
        assertEquals(Map.of("mean", "0.1", "std", "0.229,0.224,0.225"),
                InspectCommand.withModelNormalisation(Map.of("mean", "0.1"), SYNTHESISER, n));
    }

    @Test
    void withoutASidecarOrFlagsTheInspectorKeepsItsOwnDefaults() {
        Optional<InputOptions.Normalisation> n = new InputOptions().normalisation(dir.resolve("bare.onnx"));
        assertEquals(Optional.empty(), n);
        assertEquals(Map.of(), InspectCommand.withModelNormalisation(Map.of(), SYNTHESISER, n));
    }

    @Test
    void inspectorsWithoutNormalisationParametersAreLeftAlone() throws IOException {
        Optional<InputOptions.Normalisation> n = new InputOptions().normalisation(imagenetModel());
        assertEquals(Map.of("top", "4"), InspectCommand.withModelNormalisation(Map.of("top", "4"), READER, n));
    }

    @Test
    void aMalformedMeanIsAnError() {
        InputOptions flags = new InputOptions();
        flags.mean = "0.5,abc";
        LoupeException e = assertThrows(LoupeException.class, () -> flags.normalisation(dir.resolve("bare.onnx")));
        assertEquals("--mean must be numbers separated by commas; got '0.5,abc'", e.getMessage());
    }
}

package dev.stemma.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** pretrain, train (with a YAML config) and sample end to end on a tiny model, and their bad-input exits. */
class TrainerCommandsIT {
    static final String DATA = "idx:../data/fashion-mnist-subset";

    @TempDir
    Path dir;

    @Test
    void shouldPretrainCustomiseFromYamlAndSampleAMix() throws Exception {
        Path base = dir.resolve("base");
        assertEquals(0, Stemma.run("pretrain", "--data", DATA, "--classes", "Trouser,Sandal", "--out", base.toString(),
                "--images-per-class", "10", "--channels", "8,16", "--steps", "3", "--batch", "4"));
        assertTrue(Files.isRegularFile(base.resolve("base.stw")));
        assertTrue(Files.readString(base.resolve("base.json")).contains("\"seed\" : 42"));
        assertTrue(Files.readString(base.resolve("base.sha256")).endsWith("  base.stw\n"));

        Path yaml = dir.resolve("run.yaml");
        Files.writeString(yaml, "rank: 2\nsteps: 9\nbatch: 4\nprior-per-class: 1\nimages-per-concept: 3\nconcepts: [Shirt, Bag]\n");
        Path adapter = dir.resolve("run/adapter.stw");
        assertEquals(0, Stemma.run("train", "--base", base.toString(), "--data", DATA, "--config", yaml.toString(),
                "--steps", "2", "--run", "it", "--out", adapter.toString(), "--no-agent"));
        String info = Files.readString(dir.resolve("run/adapter.json"));
        assertTrue(info.contains("\"rank\" : 2"), info);
        assertTrue(info.contains("\"steps\" : 2"), "the command line wins over the file: " + info);

        Path out = dir.resolve("samples");
        assertEquals(0, Stemma.run("sample", "--base", base.toString(), "--adapter", adapter.toString(), "--mix",
                "Shirt=0.5,Bag=0.5", "--n", "3", "--steps", "3", "--out", out.toString()));
        assertTrue(Files.isRegularFile(out.resolve("Shirt_Bag_2.png")));
        assertTrue(Files.isRegularFile(out.resolve("Shirt_Bag_grid.png")));
    }

    @Test
    void shouldExitTwoWithOneLineOnBadInput() throws Exception {
        PrintStream old = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        int missingBase;
        int badConcept;
        try {
            missingBase = Stemma.commandLine().setErr(new java.io.PrintWriter(err, true))
                    .execute("sample", "--base", dir.resolve("none").toString(), "--concept", "Bag", "--out", dir.toString());
            badConcept = Stemma.commandLine().setErr(new java.io.PrintWriter(err, true))
                    .execute("pretrain", "--data", DATA, "--classes", "Hat", "--out", dir.resolve("b").toString());
        } finally {
            System.setErr(old);
        }
        String text = err.toString(StandardCharsets.UTF_8);
        assertEquals(2, missingBase, text);
        assertEquals(2, badConcept, text);
        assertTrue(text.contains("base.json does not exist"), text);
        assertTrue(text.contains("'Hat' is not in"), text);
    }
}

package org.tdxemu.scenarios.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.tdxemu.scenarios.Library;
import org.tdxemu.scenarios.cli.Tdxemu;
import org.tdxemu.scenarios.picture.MemoryPicture;
import org.tdxemu.scenarios.picture.MemoryPictureSvg;
import org.tdxemu.scenarios.picture.Rendered;
import org.tdxemu.scenarios.run.ScenarioRunner;
import org.tdxemu.scenarios.spec.Scenario;

/**
 * The pictures in docs/images are what the code draws today: each SVG is {@code tdxemu plan NAME
 * --svg} (or {@code tdxemu planners NAME --svg}) byte for byte, and each PNG was rendered by Batik from that very SVG, as the SHA-256 it
 * carries in a PNG text chunk says (fonts differ between machines, so the pixels are not compared).
 * With {@code -Dtdxemu.writePictures=true} the test writes them instead.
 */
class DocsPicturesTest {

    private static final String SOURCE = "Source";
    private static final String PNG_METADATA = "javax_imageio_png_1.0";

    @ParameterizedTest
    @ValueSource(strings = {"two-socket-2t", "emr-17-holes", "eight-socket-64t"})
    void thePictureInTheDocsIsWhatThePlanDrawsToday(String name) throws IOException {
        Scenario scenario = Library.load(name);
        checkPicture(name, MemoryPictureSvg.file(MemoryPicture.ofPlan(scenario, ScenarioRunner.plan(scenario))));
    }

    /** README's picture of both planners' plans for the Emerald Rapids host. */
    @Test
    void thePlannersPictureInTheDocsIsWhatPlannersDrawsToday(@TempDir Path scratch) throws IOException {
        Path drawn = scratch.resolve("planners.svg");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        assertEquals(Tdxemu.OK, Tdxemu.execute(new String[] {"planners", "emr-17-holes", "--svg", drawn.toString()},
                new PrintWriter(out), new PrintWriter(err)), err.toString());
        checkPicture("emr-17-holes-planners", Files.readString(drawn));
    }

    private static void checkPicture(String name, String svg) throws IOException {
        Path images = Repository.root().resolve("docs/images");
        Path svgFile = images.resolve(name + ".svg");
        Path pngFile = images.resolve(name + ".png");
        String source = name + ".svg sha256:" + sha256(svg);
        if (Boolean.getBoolean("tdxemu.writePictures")) {
            Files.createDirectories(images);
            Files.writeString(svgFile, svg, StandardCharsets.UTF_8);
            Files.write(pngFile, withSource(Rendered.png(svg), source));
        }
        assertEquals(svg, Files.readString(svgFile), svgFile + " is stale: " + REGENERATE);
        assertEquals(source, source(Files.readAllBytes(pngFile)), pngFile + " was not drawn from " + svgFile + ": "
                + REGENERATE);
    }

    private static final String REGENERATE = "regenerate the pictures with mvn -B -pl scenarios -am test "
            + "-Dsurefire.failIfNoSpecifiedTests=false -Dtest=DocsPicturesTest -Dtdxemu.writePictures=true";

    /** {@code png} with a text chunk {@code Source: source}. */
    private static byte[] withSource(byte[] png, String source) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), null);
        IIOMetadataNode entry = new IIOMetadataNode("tEXtEntry");
        entry.setAttribute("keyword", SOURCE);
        entry.setAttribute("value", source);
        IIOMetadataNode text = new IIOMetadataNode("tEXt");
        text.appendChild(entry);
        IIOMetadataNode root = new IIOMetadataNode(PNG_METADATA);
        root.appendChild(text);
        metadata.mergeTree(PNG_METADATA, root);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(new IIOImage(image, List.of(), metadata));
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    /** The PNG's {@code Source} text, or "none". */
    private static String source(byte[] png) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(png))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            ImageReader reader = readers.next();
            reader.setInput(in);
            IIOMetadataNode root = (IIOMetadataNode) reader.getImageMetadata(0).getAsTree(PNG_METADATA);
            var entries = root.getElementsByTagName("tEXtEntry");
            for (int i = 0; i < entries.getLength(); i++) {
                IIOMetadataNode entry = (IIOMetadataNode) entries.item(i);
                if (SOURCE.equals(entry.getAttribute("keyword"))) {
                    return entry.getAttribute("value");
                }
            }
            return "none";
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}

package org.tdxemu.scenarios.picture;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;
import org.apache.batik.transcoder.TranscoderException;
import org.apache.batik.transcoder.TranscoderInput;
import org.apache.batik.transcoder.TranscoderOutput;
import org.apache.batik.transcoder.image.PNGTranscoder;

/** An SVG drawn by a real SVG engine, Apache Batik, into pixels, as a viewer would show it. */
public final class Rendered {

    private final BufferedImage image;

    private Rendered(BufferedImage image) {
        this.image = image;
    }

    /** {@code svg} (the text of an SVG file) as a PNG file's bytes. */
    public static byte[] png(String svg) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            new PNGTranscoder().transcode(new TranscoderInput(new StringReader(svg)), new TranscoderOutput(png));
        } catch (TranscoderException e) {
            throw new AssertionError("Batik cannot draw the SVG: " + e.getMessage(), e);
        }
        return png.toByteArray();
    }

    public static Rendered of(String svg) {
        try {
            return new Rendered(ImageIO.read(new ByteArrayInputStream(png(svg))));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }

    /** The colour at (x, y) as {@code #rrggbb}. */
    public String colour(int x, int y) {
        return String.format("#%06x", image.getRGB(x, y) & 0xffffff);
    }

    public BufferedImage image() {
        return image;
    }
}

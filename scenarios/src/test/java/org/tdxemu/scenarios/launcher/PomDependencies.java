package org.tdxemu.scenarios.launcher;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/** Which modules of the reactor {@code mvn -pl MODULE -am} builds, read from the pom files. */
final class PomDependencies {

    private static final String GROUP = "org.tdxemu";

    private PomDependencies() {
    }

    /** {@code module} and every module of the root pom it depends on, directly or not, in any scope: module folders. */
    static Set<String> withUpstream(Path root, String module) throws IOException {
        Map<String, String> folderByArtifact = new HashMap<>();
        for (Element m : children(child(read(root.resolve("pom.xml")), "modules"), "module")) {
            String folder = m.getTextContent().trim();
            folderByArtifact.put(text(read(root.resolve(folder).resolve("pom.xml")), "artifactId"), folder);
        }
        Set<String> built = new LinkedHashSet<>();
        Deque<String> pending = new ArrayDeque<>(List.of(module));
        while (!pending.isEmpty()) {
            String folder = pending.pop();
            if (!built.add(folder)) {
                continue;
            }
            Element dependencies = child(read(root.resolve(folder).resolve("pom.xml")), "dependencies");
            for (Element dependency : dependencies == null ? List.<Element>of() : children(dependencies, "dependency")) {
                if (GROUP.equals(text(dependency, "groupId"))) {
                    String upstream = folderByArtifact.get(text(dependency, "artifactId"));
                    if (upstream == null) {
                        throw new AssertionError(folder + " depends on " + text(dependency, "artifactId")
                                + ", which is no module of the root pom");
                    }
                    pending.push(upstream);
                }
            }
        }
        return built;
    }

    private static Element read(Path pom) throws IOException {
        try {
            return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile()).getDocumentElement();
        } catch (ParserConfigurationException | SAXException e) {
            throw new IOException(pom + ": " + e.getMessage(), e);
        }
    }

    private static String text(Element parent, String name) {
        Element element = child(parent, name);
        return element == null ? null : element.getTextContent().trim();
    }

    private static Element child(Element parent, String name) {
        List<Element> found = children(parent, name);
        return found.isEmpty() ? null : found.get(0);
    }

    private static List<Element> children(Element parent, String name) {
        List<Element> found = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                found.add(e);
            }
        }
        return found;
    }
}

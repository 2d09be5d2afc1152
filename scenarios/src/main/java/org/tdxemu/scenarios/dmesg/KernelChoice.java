package org.tdxemu.scenarios.dmesg;

import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.tdxemu.kernel.Profile;
import org.tdxemu.kernel.init.HoleSource;
import org.tdxemu.scenarios.dmesg.Fact.BootImage;
import org.tdxemu.scenarios.dmesg.Fact.LinuxRelease;
import org.tdxemu.scenarios.dmesg.Fact.Release;
import org.tdxemu.scenarios.dmesg.LineReader.Read;

/**
 * Which kernel profile plays the machine's kernel, and why: the log's wording first (only the v7
 * series said {@code TDX module initialized.}), then its {@code Linux version} line, then the
 * default. Ubuntu's {@code -intel} kernels carry the unmerged CMR series, which takes reserved-area
 * holes from the CMRs (kernel-init.md §3.1).
 */
record KernelChoice(Profile profile, HoleSource holes) {

    /** The first merged release with TDX host support (kernel-init.md §0, M68). */
    private static final int[] FIRST_MERGED = {6, 8};
    /** The release the mainline profile is (kernel-init.md §0, M618). */
    private static final int[] MAINLINE_RELEASE = {6, 18};

    static KernelChoice of(String logName, BootLog log, List<Source> sources) {
        List<Read> said = log.said();
        Optional<Read> v7 = said.stream().filter(r -> r.printedBy().contains(Profile.V7)).findFirst();
        if (v7.isPresent()) {
            sources.add(source(v7.get(), "the line `" + v7.get().line().message() + "` is the 2022 v7 series' wording",
                    false));
            return new KernelChoice(Profile.V7, HoleSource.MEMBLOCK);
        }
        Optional<Read> dpamt = said.stream().filter(r -> r.fact() instanceof Fact.DynamicPamtEnabled).findFirst();
        if (dpamt.isPresent()) {
            sources.add(source(dpamt.get(), "`Enable Dynamic PAMT` is printed only by the Dynamic PAMT series; today's "
                    + "mainline with that series", false));
            return new KernelChoice(Profile.DPAMT, HoleSource.MEMBLOCK);
        }
        Optional<Read> latest = said.stream().filter(r -> r.printedBy().contains(Profile.LATEST)
                && !r.printedBy().contains(Profile.MAINLINE)).findFirst();
        if (latest.isPresent()) {
            sources.add(source(latest.get(), "the line `" + latest.get().line().message() + "` is today's mainline "
                    + "wording; latest", false));
            return new KernelChoice(Profile.LATEST, HoleSource.MEMBLOCK);
        }
        Optional<Read> versionLine = log.all(LinuxRelease.class).stream().findFirst()
                .or(() -> log.all(BootImage.class).stream().findFirst());
        if (versionLine.isPresent()) {
            Release release = (Release) versionLine.get().fact();
            boolean intel = release.release().toLowerCase(Locale.ROOT).contains("-intel");
            String why = "Linux " + release.release() + ": ";
            if (intel) {
                why += "Ubuntu's -intel kernels carry the unmerged CMR series: the merged kernel's init, with holes "
                        + "taken from the CMRs";
            } else if (before(release, FIRST_MERGED)) {
                why += "older than 6.8, so an unmerged TDX host series; mainline, its nearest merged form";
            } else if (before(release, MAINLINE_RELEASE) || same(release, MAINLINE_RELEASE)) {
                why += "merged TDX host support; mainline (6.18)";
            } else {
                why += "newer than 6.18; latest, today's mainline";
                sources.add(source(versionLine.get(), why, true));
                return new KernelChoice(Profile.LATEST, HoleSource.MEMBLOCK);
            }
            sources.add(source(versionLine.get(), why, intel || !same(release, MAINLINE_RELEASE)));
            return new KernelChoice(Profile.MAINLINE, intel ? HoleSource.CMRS : HoleSource.MEMBLOCK);
        }
        Optional<Read> mainline = said.stream().filter(r -> r.printedBy().contains(Profile.MAINLINE)).findFirst();
        if (mainline.isPresent()) {
            sources.add(source(mainline.get(), "the log has no `Linux version` line, and `" + mainline.get().line().message()
                    + "` is the merged kernel's wording; mainline (6.18)", true));
        } else if (!said.isEmpty()) {
            sources.add(source(said.get(0), "the log has no `Linux version` line, and `" + said.get(0).line().message()
                    + "` is the wording of a kernel tdxemu has no profile for; mainline, the nearest", true));
        } else {
            sources.add(Source.assumed(List.of("kernel.profile", "kernel.holes"), "the log shows neither the kernel's "
                    + "version nor its TDX messages; mainline, the default"));
        }
        return new KernelChoice(Profile.MAINLINE, HoleSource.MEMBLOCK);
    }

    private static Source source(Read line, String why, boolean approximate) {
        return new Source(List.of("kernel.profile", "kernel.holes"), List.of(line.line().number()), why, approximate);
    }

    private static boolean before(Release release, int[] majorMinor) {
        return release.major() < majorMinor[0] || release.major() == majorMinor[0] && release.minor() < majorMinor[1];
    }

    private static boolean same(Release release, int[] majorMinor) {
        return release.major() == majorMinor[0] && release.minor() == majorMinor[1];
    }
}

package org.tdxemu.scenarios.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.tdxemu.scenarios.campaign.CampaignResult;
import org.tdxemu.scenarios.campaign.ShardFile;
import org.tdxemu.scenarios.format.UserFile;
import org.tdxemu.scenarios.output.CampaignHtml;
import org.tdxemu.scenarios.output.CampaignReports;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "faults-merge", mixinStandardHelpOptions = true, versionProvider = Tdxemu.Version.class,
        description = {"Merges the shards of a fault campaign (`tdxemu faults SCENARIO --shard K/N`, K = 1 … N) "
                + "into the report the campaign run whole prints: the table, or with --json its JSON.",
                "Every shard of one campaign is needed, once each, in any order."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:no violation", "1:one or more violations",
                "2:bad input: a file that is no shard, shards of different campaigns, a shard missing or given twice"})
final class FaultsMergeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "SHARD.json", arity = "1..*", description = "the shards' files")
    List<String> files;

    @Option(names = "--json", description = "print the matrix as JSON")
    boolean json;

    @Option(names = "--html", paramLabel = "OUT.html", description = "also write the merged campaign as the page "
            + "`faults --html` writes for the campaign run whole")
    Path html;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (html != null) {
            OutputFiles.checkWritable(html, "--html");
        }
        CampaignResult result = ShardFile.merge(files.stream().map(UserFile::path).toList());
        if (html != null) {
            OutputFiles.write(html, "--html", CampaignHtml.page(result));
        }
        if (json) {
            out.println(CampaignReports.json(result).toString());
        } else {
            CampaignReports.text(result).forEach(out::println);
        }
        return result.violationCount() == 0 ? Tdxemu.OK : Tdxemu.EXPECTATION_FAILED;
    }
}
